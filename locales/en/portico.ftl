# The web UI in English. Every message here exists in locales/ru/portico.ftl as well
# (tests/web_catalogue.rs checks it).

app-name = Portico
skip-to-content = Skip to content

nav-home = Home
nav-calendar = Calendar
nav-directory = Directory
nav-documents = Documents
nav-tasks = Tasks
nav-crm = CRM
nav-admin = Administration
nav-settings = Settings
nav-sign-out = Sign out
nav-main = Main menu

login-title = Sign in to Portico
login-login = Login
login-password = Password
login-submit = Sign in
login-failed = Invalid login or password.
login-throttled = Too many failed sign-ins. Try again in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
login-hint = Use your domain password, or the password your administrator gave you.

home-title = My day
home-greeting = Hello, { $name }!
home-today = Today is { $date }.
home-invitations = Invitations
home-no-invitations = No invitations waiting for your answer.
invitation-from = from
invitation-accept = Accept
invitation-tentative = Maybe
invitation-decline = Decline
answer-title = Your answer
answer-accepted = Thank you: the organizer sees that you accept.
answer-tentative = Thank you: the organizer sees that you may come.
answer-declined = Thank you: the organizer sees that you decline.
answer-already = This answer was already given; nothing changed.
answer-outdated = This meeting changed or was cancelled; nothing changed.
home-birthdays = Birthdays this week
home-no-birthdays = No birthdays this week.
home-changes = Staff changes
home-no-changes = No staff changes in the last 30 days.
home-links = Quick links
home-link-devices = Connect your phone and computer
home-link-drive = Map the document library as a network drive
home-people = { $count ->
    [one] { $count } colleague
   *[other] { $count } colleagues
}


settings-title = Settings
settings-language = Language
settings-language-browser = As my browser
settings-time-zone = Time zone
settings-time-zone-hint = An IANA name such as Europe/Moscow; empty for UTC.
settings-mail-invitations = Also send me colleagues' meeting invitations by e-mail
settings-mail-reminders = Send me my calendar reminders (alarms) by e-mail
settings-save = Save
settings-saved = Your settings are saved.
settings-app-passwords = App passwords
settings-app-passwords-hint = Each device (phone, calendar program, mapped drive) signs in with its own password, which you can revoke alone.
settings-app-password-label = Device name
settings-app-password-confirm = Your account password
settings-app-password-create = Create an app password
settings-app-password-created = The new app password for { $label } is { $password }. It is shown only now.
settings-app-password-revoke = Revoke
settings-app-password-none = You have no app passwords.
settings-app-password-last-used = last used { $date }
settings-app-password-never-used = never used

soon-title = { $page }
soon-text = This part of Portico is on its way. Protocol clients already work: calendars and contacts at /dav/, documents at /docs/.

error-forbidden = You may not open this page.
error-bad-form = The form was sent from another page or has expired. Please try again.

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-long = { $month } { $day }, { $year }

date-day-month = { $month } { $day }

directory-search = Search
directory-search-label = Name, part of a phone number, department or e-mail
directory-letters = By letter
directory-all = Everyone
directory-found = { $count ->
    [one] { $count } person
   *[other] { $count } people
}
directory-none = Nobody matches this search.
directory-export = Download as CSV
directory-name = Name
directory-position = Position
directory-department = Department
directory-email = E-mail
directory-phone = Phone
directory-mobile = Mobile
directory-manager = Manager
directory-reports = Reports
directory-birthday = Birthday
directory-back = Back to the directory

calendar-title = Calendar
calendar-navigation = Calendar navigation
calendar-previous = ← Previous
calendar-next = Next →
calendar-today = Today
calendar-day = Day
calendar-week = Week
calendar-month = Month
calendar-new = New event
calendar-edit = Change the event
calendar-add = Add an event
calendar-free = Nothing planned.
calendar-all-day = all day
calendar-busy = Busy
calendar-no-title = (no title)
calendar-calendars = Calendars
calendar-calendar = Calendar
calendar-when = When
calendar-event-title = Title
calendar-start = Starts
calendar-end = Ends
calendar-start-time = Start time
calendar-end-time = End time
calendar-time-hint = Times are in your time zone (Settings).
calendar-repeat = Repeats
calendar-repeat-none = Does not repeat
calendar-repeat-daily = Every day
calendar-repeat-weekly = Every week
calendar-repeat-monthly = Every month
calendar-repeat-yearly = Every year
calendar-repeat-custom = As set in another program
calendar-location = Location
calendar-check-availability = Check availability
calendar-availability = Who is free
calendar-next-free = Everyone is free at
calendar-use-time = Use this time
calendar-no-free = Nobody's calendars leave a common free slot in the next two weeks of working hours.
calendar-availability-hint = Dark cells are busy; the outlined cells are the meeting's time. Guests outside the company are not shown.
calendar-not-shared = calendar not shared with you
calendar-availability-all-day = Availability is checked for meetings with a start and end time, not all-day events.
calendar-guests = Guests
calendar-guests-hint = Colleagues' logins or anyone's e-mail addresses, separated by commas. They get an invitation.
calendar-rooms = Rooms
calendar-room-seats = { $count ->
    [one] { $count } seat
   *[other] { $count } seats
}
calendar-answers = Answers
partstat-accepted = accepted
partstat-declined = declined
partstat-tentative = maybe
partstat-delegated = delegated
partstat-needs-action = no answer yet
calendar-description = Description
calendar-private = Private: others see only that I am busy
calendar-apply-to = Change
calendar-this-occurrence = This occurrence only
calendar-all-occurrences = All occurrences
calendar-save = Save
calendar-cancel = Cancel
calendar-delete = Delete
calendar-back = Back to the calendar
calendar-bad-date = Enter the date as YYYY-MM-DD.
calendar-bad-time = Enter the time as HH:MM.
calendar-bad-repeat = Choose how the event repeats from the list.

weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
weekday-short-1 = Mon
weekday-short-2 = Tue
weekday-short-3 = Wed
weekday-short-4 = Thu
weekday-short-5 = Fri
weekday-short-6 = Sat
weekday-short-7 = Sun
month-name-1 = January
month-name-2 = February
month-name-3 = March
month-name-4 = April
month-name-5 = May
month-name-6 = June
month-name-7 = July
month-name-8 = August
month-name-9 = September
month-name-10 = October
month-name-11 = November
month-name-12 = December

documents-title = Documents
documents-path = Where you are
documents-company = Company library
documents-people = Personal drives
documents-departments = Departments
documents-my-drive = My drive
documents-empty = This folder is empty.
documents-name = Name
documents-size = Size
documents-modified = Changed
documents-lock = Lock
documents-locked-by = Being edited by
documents-unlock = Unlock
documents-download = Download
documents-upload = Upload files
documents-upload-files = Files
documents-upload-submit = Upload
documents-new-folder = New folder
documents-create-folder = Create the folder
documents-change = Rename, move or delete
documents-item = File or folder
documents-what = What to do
documents-rename = Rename to the new name
documents-move = Move into the folder
documents-delete = Delete
documents-to = New name or folder
documents-to-hint = For a move, the folder's path in the library, such as shared/Reports.
documents-apply = Apply
documents-versions = Versions
documents-version = Version
documents-author = By
documents-current = current
documents-actions = Actions
documents-restore = Restore
documents-back = Back to the folder
documents-quota = { $used } used, { $available } free
documents-map-drive = Map as a network drive
documents-map-url = The address of this folder:
documents-map-windows = in Explorer, "This PC" → "Map network drive…", paste the address, tick "Connect using different credentials", and sign in with your login and an app password.
documents-map-macos = in Finder, Go → Connect to Server… (⌘K), paste the address and sign in.
documents-map-linux = in Files, Other Locations → Connect to Server, enter the address with davs:// (or dav://) instead of https:// (http://).
documents-map-password = Devices sign in best with an app password of their own, made in
documents-not-here = Choose a library first: files live in the company, department and personal libraries.
documents-no-files = Choose at least one file to upload.
documents-error-locked = Someone is editing this right now (it is locked). Try again later, or ask them to close it.
documents-error-quota = There is not enough space left in this library.
documents-error-exists = Something with that name is there already.
documents-error-forbidden = You may not change this folder.
documents-error-too-large = The file is larger than the server accepts.
size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
size-kb = { $n } KB
size-mb = { $n } MB
size-gb = { $n } GB
size-tb = { $n } TB

admin-sections = Administration sections
admin-status = Status
admin-users = Users
admin-departments = Departments
admin-groups = Groups
admin-rooms = Rooms
admin-save = Save
admin-room-capacity = Seats
admin-room-equipment = Equipment (comma-separated, e.g. projector, video)
admin-room-bookers = Who may book it
admin-room-bookers-hint = Department short names or group logins, comma-separated; empty: everyone.
admin-done = Done.
admin-version = Version
admin-database = Database
admin-people = People
admin-people-count = { $active } active of { $all }
admin-storage = Stored in the libraries
admin-directory-sync = Directory sync (LDAP)
admin-directory-none = not configured: Portico is the source of truth for people and departments
admin-directory-never = configured, not run yet
admin-new-employee = New employee
admin-create = Create
admin-find-user = Find a user by login or name
admin-state = State
admin-active = active
admin-inactive = deactivated
admin-administrator = administrator
admin-from-directory = from the directory
admin-deactivate = Deactivate
admin-activate = Activate
admin-make-admin = Make administrator
admin-unmake-admin = Remove administrator
admin-more-users = More users match: narrow the search.
admin-reset-password = Reset a password
admin-new-password = New password (at least 8 characters)
admin-password-short = A password needs at least 8 characters.
admin-parent = Part of
admin-head = Head
admin-head-login = Head (login)
admin-library = Library
admin-new-department = New department
admin-set-head = Set a department's head
admin-name-needed = Enter a name.
admin-no-members = No members yet.
admin-remove-member = Remove
admin-add-member = Add a member (login)
admin-add = Add
admin-new-group = New group
admin-short-name = Short name (letters, digits, . _ -)
admin-no-rooms = No rooms yet.
admin-new-room = New room
admin-login-invalid = A short name is 1 to 64 letters, digits, '.', '_' or '-'.
calendar-out-of-office = Out of office (shown in the absence chart)

devices-title = Connect your devices
devices-intro = Calendars and contacts work in the programs you already use. Give each device its own app password, so you can revoke it alone:
devices-login = Your login
devices-server = Server address
devices-apple = Download the profile on the device (or open this page in Safari there), then open Settings → Profile Downloaded → Install. It sets up your calendars and contacts; when it asks for a password, enter an app password.
devices-profile-download = Download the profile
devices-profile-name = Portico calendars and contacts
devices-profile-calendars = Portico calendars
devices-profile-contacts = Portico contacts
devices-android = Install DAVx⁵, choose "Login with URL and user name", and enter your login, an app password and this base URL:
devices-thunderbird-calendar = Calendars: New Calendar → On the Network, your login, and this location (Thunderbird finds every calendar in it):
devices-thunderbird-contacts = Contacts: New Address Book → CardDAV Address Book, your login, and:
devices-outlook = In CalDav Synchronizer, add a Generic CalDAV/CardDAV profile with your login, an app password and this DAV URL for your calendar:
devices-outlook-contacts = For contacts, a second profile with:
devices-other = Other programs
devices-principal = Programs that ask for a principal URL:
directory-structure = Company structure
directory-head = Head
directory-library = Library
directory-no-departments = No departments yet.
directory-export-vcard = Download as vCards
calendar-settings = Calendar settings
calendar-my-calendars = My calendars
calendar-visibility = What colleagues see
calendar-visibility-private = Nothing
calendar-visibility-busy = When I am busy
calendar-visibility-titles = Times and titles
calendar-visibility-all = Everything (private events stay private)
calendar-feed = Subscription link (for Outlook "Internet Calendars" and webcal):
calendar-feed-none = No subscription link.
calendar-feed-create = Create one
calendar-feed-revoke = Revoke it
calendar-favorites = Colleagues' calendars
calendar-favorites-none = You follow no colleague's calendar yet.
calendar-favorite-remove = Remove
calendar-favorite-login = Colleague (login)
calendar-favorite-calendar = Their calendar
calendar-favorite-add = Add to my calendars
admin-app-passwords = App passwords
admin-directory = Directory (LDAP)
admin-app-passwords-of = App passwords of (login)
admin-app-passwords-hint = Revoke a device's access here; only the user makes new ones, on their settings page.
admin-ldap-url = Server
admin-ldap-bind = Bind as
admin-ldap-password = Bind password
admin-ldap-base = Base
admin-ldap-flavor = Kind
admin-ldap-users = User filter
admin-ldap-starttls = STARTTLS
admin-directory-sync-now = Sync now
admin-directory-settings-hint = The settings come from the configuration file's [ldap] section. A sync runs in the background; this page follows it until it ends.

directory-absences = Who is away
directory-absences-from = First day
directory-absences-days = Number of days
directory-absences-show = Show
directory-absences-navigation = Other periods
directory-absences-earlier = ← Earlier
directory-absences-later = Later →
directory-absences-period = { $from } – { $to }
directory-absences-none = Nobody is away in this period.
directory-absences-away = Away
directory-absences-bad-date = The first day must be a date such as 2030-08-12.
directory-absences-bad-days = The number of days must be a whole number from 1 to 62.
directory-birthdays-link = Birthdays
directory-birthdays = { $count ->
    [one] Birthdays today and tomorrow
   *[other] Birthdays in the next { $count } days
}
directory-birthdays-none = No birthdays in the coming days.
directory-birthday-today = today
directory-birthday-tomorrow = tomorrow
directory-birthday-in = { $count ->
    [one] in { $count } day
   *[other] in { $count } days
}
directory-date = Date
directory-change = Change
directory-changes = Staff changes
directory-changes-period = { $count ->
    [one] Hires, moves and departures of the last day.
   *[other] Hires, moves and departures of the last { $count } days.
}
directory-changes-hint = They are recorded by the sync with the company directory (LDAP).
directory-changes-none = No staff changes in this period.
directory-change-hired = Joined the company
directory-change-moved = Moved to { $department }
directory-change-moved-out = Left their department
directory-change-title = New position: { $title }
directory-change-title-cleared = Position cleared
directory-change-manager = New manager: { $name }
directory-change-manager-other = Manager changed
directory-change-renamed = Login changed from { $from } to { $to }
directory-change-left = Left the company
directory-change-returned = Came back to the company
directory-change-other = Record updated

calendar-grant-heading = Shared with
calendar-grant-none = Not shared with anyone in particular; colleagues see what "What colleagues see" allows.
calendar-grant-who = Share with
calendar-grant-kind-user = User
calendar-grant-kind-group = Group
calendar-grant-kind-department = Department
calendar-grant-name = Login, group name or department's short name (as in its library's address)
calendar-grant-level = Access
calendar-grant-read = Read
calendar-grant-write = Read and change
calendar-grant-add = Share
calendar-grant-remove = Stop sharing
calendar-grant-unknown = There is no such user, group or department: { $name }.
calendar-grant-forbidden = That calendar is not yours to change.
calendar-grant-bad-level = Choose read, or read and change.
documents-grant-heading = Permissions
documents-grant-hint = Beyond the library's own rules: what you give here holds for this folder and everything in it.
documents-grant-none = Nobody has been given access to this folder in particular.
documents-grant-who = Give access to
documents-grant-kind-user = User
documents-grant-kind-group = Group
documents-grant-kind-department = Department
documents-grant-name = Login, group name or department's short name (as in its library's address)
documents-grant-level = Access
documents-grant-read = Read
documents-grant-write = Read and change
documents-grant-manage = Manage (and give access)
documents-grant-add = Give access
documents-grant-remove = Remove
documents-grant-unknown = There is no such user, group or department: { $name }.
documents-grant-bad-level = Choose read, read and change, or manage.

admin-ldap-test = Test connection
admin-ldap-test-hint = A test connects with these settings, signs in with the bind account and counts the entries the user filter matches; it changes nothing and gives up after 10 seconds.
admin-ldap-test-ok = Connected and signed in. The user filter matches { $count ->
    [one] { $count } entry
   *[other] { $count } entries
} ({ $ms } ms).
admin-ldap-test-ok-at-least = Connected and signed in. The user filter matches at least { $count ->
    [one] { $count } entry
   *[other] { $count } entries
} (the count stops there; { $ms } ms).
admin-ldap-test-config = The [ldap] settings are not valid: { $detail }
admin-ldap-test-connect = Cannot connect to the directory server at { $url }: { $detail }
admin-ldap-test-tls = The TLS connection to { $url } failed (check the certificate, tls_ca_file and the STARTTLS setting): { $detail }
admin-ldap-test-timeout = The directory server did not answer within { $seconds } s.
admin-ldap-test-lost = The directory server closed the connection or answered unexpectedly: { $detail }
admin-ldap-test-credentials = The directory refused the bind as { $dn }: invalid credentials (check the bind DN and password).
admin-ldap-test-bind = The directory refused the bind as { $dn } (result code { $code }: { $detail }).
admin-ldap-test-base = The base DN { $base } does not exist, or the bind account may not read it.
admin-ldap-test-filter = The directory refused the user filter { $filter }: { $detail }
admin-ldap-test-search = The search for people failed (result code { $code }: { $detail }).
admin-directory-last-pass = Last completed sync: { $kind }, { $when }
admin-directory-pass-full = full
admin-directory-pass-delta = changes only
admin-directory-created = Created
admin-directory-updated = Updated
admin-directory-deactivated = Deactivated
admin-directory-unchanged = Unchanged
admin-directory-skipped = Skipped
admin-directory-skipped-entries = Skipped entries
admin-directory-entry = Entry
admin-directory-reason = Reason
admin-directory-skipped-more = { $count ->
    [one] …and { $count } more skipped entry, not listed.
   *[other] …and { $count } more skipped entries, not listed.
}
admin-directory-skip-missing-attribute = the attribute { $detail } is missing
admin-directory-skip-invalid-value = the attribute { $detail } has a value that cannot be read
admin-directory-skip-not-text = the attribute { $detail } is not text
admin-directory-skip-invalid-login = the login “{ $detail }” is not usable (letters, digits, “.”, “_” and “-”, at most 64)
admin-directory-skip-invalid-dn = the entry's DN cannot be read
admin-directory-skip-duplicate-login = another entry has the same login “{ $detail }”
admin-directory-skip-duplicate-id = another entry has the same external id { $detail }

documents-upload-drop = Or drop files onto this form.
documents-upload-progress = Upload progress
documents-upload-failed = The upload failed. Check the connection and try again.


# Mail: invitations (iMIP), their answers and reminders (src/core/calendars/imip.rs).
# { $title } is the event's summary; { $name } the organizer's name (in a reply, the
# attendee's). The English answer labels are what guests' tools look for: keep them.
mail-subject-invitation = Invitation: { $title }
mail-subject-update = Updated invitation: { $title }
mail-subject-cancellation = Cancelled: { $title }
mail-subject-accepted = { $name } accepted: { $title }
mail-subject-tentative = { $name } tentatively accepted: { $title }
mail-subject-declined = { $name } declined: { $title }
mail-subject-answered = { $name } answered: { $title }
mail-subject-reminder = Reminder: { $title }
mail-invitation = { $name } invites you to "{ $title }".
mail-update = { $name } updated the invitation to "{ $title }".
mail-cancellation = { $name } cancelled "{ $title }".
mail-accepted = { $name } accepted the invitation to "{ $title }".
mail-tentative = { $name } tentatively accepted the invitation to "{ $title }".
mail-declined = { $name } declined the invitation to "{ $title }".
mail-answered = { $name } answered "{ $title }".
mail-reminder = Reminder: "{ $title }"
mail-reminder-sender = Calendar
mail-when = When: { $when }
mail-where = Where: { $where }
mail-date-time = { $date }, { $time }
mail-your-answer = Your answer:
mail-answer-accept = Accept
mail-answer-tentative = Maybe
mail-answer-decline = Decline
mail-attached = The invitation is attached; your calendar application can add it and answer the organizer.
mail-attached-too = The invitation is also attached for your calendar application.

admin-directory-progress-running = Sync running since { $since } — { $phase }
admin-directory-progress-reading = reading the directory
admin-directory-progress-read = reading the directory ({ $count ->
    [one] { $count } entry read
   *[other] { $count } entries read
})
admin-directory-progress-photos = storing { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
admin-directory-progress-applying = applying the changes: { $created } created, { $updated } updated, { $deactivated } deactivated
admin-directory-progress-books = writing the address books
admin-directory-progress-busy = A directory sync is already running; this page shows where it is and refreshes itself until it is done.

rooms-title = Free rooms
rooms-find = Find rooms
rooms-find-free = Find a free room
rooms-date = Day
rooms-people = People
rooms-equipment = Equipment
rooms-midnight-hint = An end of 00:00 is midnight at the end of the day.
rooms-free = Free rooms
rooms-none = There are no meeting rooms yet.
rooms-none-free = No room you may book is free then.
rooms-room = Room
rooms-seats = Seats
rooms-book = Book
rooms-no-address = has no address to invite
rooms-not-stated = not stated
rooms-no-equipment = none
rooms-unavailable = Not available
rooms-reason-busy = busy
rooms-reason-not-yours = you may not book it
rooms-reason-too-small = too small
rooms-reason-seats-unknown = seats not stated
rooms-reason-equipment = lacks equipment
rooms-bad-range = The end must be after the start.
rooms-bad-people = Enter the number of people as a whole number from 0 to 100000.
