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

change-hired = joined
change-left = left
change-moved = moved
change-updated = updated

settings-title = Settings
settings-language = Language
settings-language-browser = As my browser
settings-time-zone = Time zone
settings-time-zone-hint = An IANA name such as Europe/Moscow; empty for UTC.
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
