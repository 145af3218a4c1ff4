# Веб-интерфейс по-русски. Каждое сообщение есть и в locales/en/portico.ftl.

app-name = Portico
skip-to-content = Перейти к содержимому

nav-home = Главная
nav-calendar = Календарь
nav-directory = Сотрудники
nav-documents = Документы
nav-tasks = Задачи
nav-crm = CRM
nav-admin = Администрирование
nav-settings = Настройки
nav-sign-out = Выйти
nav-main = Главное меню

login-title = Вход в Portico
login-login = Логин
login-password = Пароль
login-submit = Войти
login-failed = Неверный логин или пароль.
login-throttled = Слишком много неудачных попыток. Повторите через { $seconds ->
    [one] { $seconds } секунду
    [few] { $seconds } секунды
    [many] { $seconds } секунд
   *[other] { $seconds } секунды
}.
login-hint = Используйте доменный пароль или пароль, выданный администратором.

home-title = Мой день
home-greeting = Здравствуйте, { $name }!
home-today = Сегодня { $date }
home-invitations = Приглашения
home-no-invitations = Приглашений, ждущих ответа, нет.
invitation-from = от
invitation-accept = Принять
invitation-tentative = Возможно
invitation-decline = Отклонить
answer-title = Ваш ответ
answer-accepted = Спасибо: организатор увидит, что вы принимаете приглашение.
answer-tentative = Спасибо: организатор увидит, что вы, возможно, придёте.
answer-declined = Спасибо: организатор увидит, что вы отказываетесь.
answer-already = Этот ответ уже был дан; ничего не изменилось.
answer-outdated = Встреча изменилась или отменена; ничего не изменилось.
home-birthdays = Дни рождения на этой неделе
home-no-birthdays = На этой неделе дней рождения нет.
home-changes = Кадровые изменения
home-no-changes = За последние 30 дней изменений не было.
home-links = Быстрые ссылки
home-link-devices = Подключить телефон и компьютер
home-link-drive = Подключить библиотеку документов как сетевой диск
home-people = { $count ->
    [one] { $count } сотрудник
    [few] { $count } сотрудника
    [many] { $count } сотрудников
   *[other] { $count } сотрудника
}


settings-title = Настройки
settings-language = Язык
settings-language-browser = Как в браузере
settings-time-zone = Часовой пояс
settings-time-zone-hint = Имя IANA, например Europe/Moscow; пусто — UTC.
settings-mail-invitations = Также присылать мне приглашения коллег на встречи по электронной почте
settings-mail-reminders = Присылать напоминания моего календаря по электронной почте
settings-save = Сохранить
settings-saved = Настройки сохранены.
settings-app-passwords = Пароли приложений
settings-app-passwords-hint = Каждое устройство (телефон, календарь, сетевой диск) входит со своим паролем, который можно отозвать отдельно.
settings-app-password-label = Название устройства
settings-app-password-confirm = Пароль вашей учётной записи
settings-app-password-create = Создать пароль приложения
settings-app-password-created = Новый пароль приложения для { $label }: { $password }. Он показывается только сейчас.
settings-app-password-revoke = Отозвать
settings-app-password-none = Паролей приложений нет.
settings-app-password-last-used = использован { $date }
settings-app-password-never-used = не использовался

soon-title = { $page }
soon-text = Этот раздел Portico скоро появится. Программы уже работают: календари и контакты по адресу /dav/, документы — /docs/.

error-forbidden = Эта страница вам недоступна.
error-bad-form = Форма отправлена с другой страницы или устарела. Попробуйте ещё раз.

month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
date-long = { $day } { $month } { $year } г.

date-day-month = { $day } { $month }

directory-search = Найти
directory-search-label = Имя, часть номера телефона, отдел или e-mail
directory-letters = По букве
directory-all = Все
directory-found = { $count ->
    [one] { $count } человек
    [few] { $count } человека
    [many] { $count } человек
   *[other] { $count } человека
}
directory-none = Никто не найден.
directory-export = Скачать в CSV
directory-name = Имя
directory-position = Должность
directory-department = Отдел
directory-email = E-mail
directory-phone = Телефон
directory-mobile = Мобильный
directory-manager = Руководитель
directory-reports = Подчинённые
directory-birthday = День рождения
directory-back = Назад к справочнику

calendar-title = Календарь
calendar-navigation = Переход по календарю
calendar-previous = ← Назад
calendar-next = Вперёд →
calendar-today = Сегодня
calendar-day = День
calendar-week = Неделя
calendar-month = Месяц
calendar-new = Новое событие
calendar-edit = Изменить событие
calendar-add = Добавить событие
calendar-free = Ничего не запланировано.
calendar-all-day = весь день
calendar-busy = Занят
calendar-no-title = (без названия)
calendar-calendars = Календари
calendar-calendar = Календарь
calendar-when = Когда
calendar-event-title = Название
calendar-start = Начало
calendar-end = Окончание
calendar-start-time = Время начала
calendar-end-time = Время окончания
calendar-time-hint = Время указано в вашем часовом поясе (Настройки).
calendar-repeat = Повторение
calendar-repeat-none = Не повторяется
calendar-repeat-daily = Каждый день
calendar-repeat-weekly = Каждую неделю
calendar-repeat-monthly = Каждый месяц
calendar-repeat-yearly = Каждый год
calendar-repeat-custom = Как задано в другой программе
calendar-location = Место
calendar-check-availability = Проверить занятость
calendar-availability = Кто свободен
calendar-next-free = Все свободны
calendar-use-time = Выбрать это время
calendar-no-free = В ближайшие две недели в рабочее время нет общего свободного окна.
calendar-availability-hint = Тёмные клетки — занято; обведённые — время встречи. Внешние гости не показаны.
calendar-not-shared = календарь скрыт от вас
calendar-availability-all-day = Занятость проверяется для встреч со временем начала и конца, не для событий на весь день.
calendar-guests = Участники
calendar-guests-hint = Логины коллег или адреса электронной почты через запятую. Они получат приглашение.
calendar-rooms = Переговорные
calendar-room-seats = { $count ->
    [one] { $count } место
    [few] { $count } места
    [many] { $count } мест
   *[other] { $count } места
}
calendar-answers = Ответы
partstat-accepted = принял(а)
partstat-declined = отказался(ась)
partstat-tentative = возможно
partstat-delegated = передал(а) другому
partstat-needs-action = ещё не ответил(а)
calendar-description = Описание
calendar-private = Личное: другие видят только, что я занят
calendar-apply-to = Изменить
calendar-this-occurrence = Только это повторение
calendar-all-occurrences = Все повторения
calendar-save = Сохранить
calendar-cancel = Отмена
calendar-delete = Удалить
calendar-back = Назад к календарю
calendar-bad-date = Введите дату в виде ГГГГ-ММ-ДД.
calendar-bad-time = Введите время в виде ЧЧ:ММ.
calendar-bad-repeat = Выберите повторение из списка.

weekday-1 = понедельник
weekday-2 = вторник
weekday-3 = среда
weekday-4 = четверг
weekday-5 = пятница
weekday-6 = суббота
weekday-7 = воскресенье
weekday-short-1 = Пн
weekday-short-2 = Вт
weekday-short-3 = Ср
weekday-short-4 = Чт
weekday-short-5 = Пт
weekday-short-6 = Сб
weekday-short-7 = Вс
month-name-1 = Январь
month-name-2 = Февраль
month-name-3 = Март
month-name-4 = Апрель
month-name-5 = Май
month-name-6 = Июнь
month-name-7 = Июль
month-name-8 = Август
month-name-9 = Сентябрь
month-name-10 = Октябрь
month-name-11 = Ноябрь
month-name-12 = Декабрь

documents-title = Документы
documents-path = Где вы
documents-company = Общие документы компании
documents-people = Личные диски
documents-departments = Отделы
documents-my-drive = Мой диск
documents-empty = Папка пуста.
documents-name = Имя
documents-size = Размер
documents-modified = Изменён
documents-lock = Блокировка
documents-locked-by = Редактирует
documents-unlock = Снять блокировку
documents-download = Скачать
documents-upload = Загрузить файлы
documents-upload-files = Файлы
documents-upload-submit = Загрузить
documents-new-folder = Новая папка
documents-create-folder = Создать папку
documents-change = Переименовать, переместить или удалить
documents-item = Файл или папка
documents-what = Что сделать
documents-rename = Переименовать
documents-move = Переместить в папку
documents-delete = Удалить
documents-to = Новое имя или папка
documents-to-hint = Для перемещения — путь папки в библиотеке, например shared/Reports.
documents-apply = Выполнить
documents-versions = Версии
documents-version = Версия
documents-author = Автор
documents-current = текущая
documents-actions = Действия
documents-restore = Восстановить
documents-back = Назад к папке
documents-quota = Занято { $used }, свободно { $available }
documents-map-drive = Подключить как сетевой диск
documents-map-url = Адрес этой папки:
documents-map-windows = в Проводнике «Этот компьютер» → «Подключить сетевой диск…», вставьте адрес, отметьте «Использовать другие учётные данные» и войдите с логином и паролем приложения.
documents-map-macos = в Finder «Переход» → «Подключение к серверу…» (⌘K), вставьте адрес и войдите.
documents-map-linux = в «Файлах» «Другие места» → «Подключиться к серверу», адрес с davs:// (или dav://) вместо https:// (http://).
documents-map-password = Устройствам лучше входить со своим паролем приложения, который создаётся в разделе
documents-not-here = Сначала выберите библиотеку: файлы хранятся в общих, отдельских и личных библиотеках.
documents-no-files = Выберите хотя бы один файл.
documents-error-locked = Этот документ сейчас редактируют (он заблокирован). Попробуйте позже или попросите закрыть его.
documents-error-quota = В этой библиотеке недостаточно места.
documents-error-exists = Здесь уже есть что-то с таким именем.
documents-error-forbidden = Вы не можете изменять эту папку.
documents-error-too-large = Файл больше, чем принимает сервер.
size-bytes = { $count ->
    [one] { $count } байт
    [few] { $count } байта
   *[many] { $count } байт
}
size-kb = { $n } КБ
size-mb = { $n } МБ
size-gb = { $n } ГБ
size-tb = { $n } ТБ

admin-sections = Разделы администрирования
admin-status = Состояние
admin-users = Пользователи
admin-departments = Отделы
admin-groups = Группы
admin-rooms = Переговорные
admin-save = Сохранить
admin-room-capacity = Мест
admin-room-equipment = Оборудование (через запятую, например projector, video)
admin-room-bookers = Кто может бронировать
admin-room-bookers-hint = Короткие имена отделов или логины групп через запятую; пусто — все.
admin-done = Готово.
admin-version = Версия
admin-database = База данных
admin-people = Сотрудники
admin-people-count = { $active } активных из { $all }
admin-storage = Хранится в библиотеках
admin-directory-sync = Синхронизация с каталогом (LDAP)
admin-directory-none = не настроена: сотрудники и отделы ведутся в Portico
admin-directory-never = настроена, ещё не запускалась
admin-new-employee = Новый сотрудник
admin-create = Создать
admin-find-user = Найти пользователя по логину или имени
admin-state = Состояние
admin-active = активен
admin-inactive = отключён
admin-administrator = администратор
admin-from-directory = из каталога
admin-deactivate = Отключить
admin-activate = Включить
admin-make-admin = Сделать администратором
admin-unmake-admin = Снять права администратора
admin-more-users = Найдено больше пользователей: уточните поиск.
admin-reset-password = Сбросить пароль
admin-new-password = Новый пароль (не менее 8 символов)
admin-password-short = Пароль должен быть не короче 8 символов.
admin-parent = Входит в
admin-head = Руководитель
admin-head-login = Руководитель (логин)
admin-library = Библиотека
admin-new-department = Новый отдел
admin-set-head = Назначить руководителя отдела
admin-name-needed = Введите название.
admin-no-members = Участников пока нет.
admin-remove-member = Исключить
admin-add-member = Добавить участника (логин)
admin-add = Добавить
admin-new-group = Новая группа
admin-short-name = Краткое имя (буквы, цифры, . _ -)
admin-no-rooms = Переговорных пока нет.
admin-new-room = Новая переговорная
admin-login-invalid = Краткое имя — от 1 до 64 букв, цифр, «.», «_» или «-».
calendar-out-of-office = Отсутствую (видно в графике отсутствий)

devices-title = Подключение устройств
devices-intro = Календари и контакты работают в привычных программах. Для каждого устройства создайте отдельный пароль приложения, чтобы его можно было отозвать отдельно:
devices-login = Ваш логин
devices-server = Адрес сервера
devices-apple = Скачайте профиль на устройстве (или откройте там эту страницу в Safari), затем откройте Настройки → Профиль загружен → Установить. Он настроит календари и контакты; когда появится запрос пароля, введите пароль приложения.
devices-profile-download = Скачать профиль
devices-profile-name = Календари и контакты Portico
devices-profile-calendars = Календари Portico
devices-profile-contacts = Контакты Portico
devices-android = Установите DAVx⁵, выберите «Вход по URL и имени пользователя» и введите логин, пароль приложения и этот адрес:
devices-thunderbird-calendar = Календари: Новый календарь → В сети, ваш логин и этот адрес (Thunderbird найдёт в нём все календари):
devices-thunderbird-contacts = Контакты: Новая адресная книга → Адресная книга CardDAV, ваш логин и адрес:
devices-outlook = В CalDav Synchronizer добавьте профиль Generic CalDAV/CardDAV с вашим логином, паролем приложения и этим адресом календаря:
devices-outlook-contacts = Для контактов — второй профиль с адресом:
devices-other = Другие программы
devices-principal = Программам, которые спрашивают адрес принципала:
directory-structure = Структура компании
directory-head = Руководитель
directory-library = Библиотека
directory-no-departments = Отделов пока нет.
directory-export-vcard = Скачать как vCard
calendar-settings = Настройки календаря
calendar-my-calendars = Мои календари
calendar-visibility = Что видят коллеги
calendar-visibility-private = Ничего
calendar-visibility-busy = Когда я занят
calendar-visibility-titles = Время и названия
calendar-visibility-all = Всё (личные события остаются личными)
calendar-feed = Ссылка для подписки (Outlook «Интернет-календари», webcal):
calendar-feed-none = Ссылки для подписки нет.
calendar-feed-create = Создать
calendar-feed-revoke = Отозвать
calendar-favorites = Календари коллег
calendar-favorites-none = Вы пока не следите ни за одним календарём коллег.
calendar-favorite-remove = Убрать
calendar-favorite-login = Коллега (логин)
calendar-favorite-calendar = Его календарь
calendar-favorite-add = Добавить к моим календарям
admin-app-passwords = Пароли приложений
admin-directory = Каталог (LDAP)
admin-app-passwords-of = Пароли приложений пользователя (логин)
admin-app-passwords-hint = Здесь можно отозвать доступ устройства; новые пароли создаёт только сам пользователь в своих настройках.
admin-ldap-url = Сервер
admin-ldap-bind = Вход как
admin-ldap-password = Пароль для входа
admin-ldap-base = База
admin-ldap-flavor = Тип
admin-ldap-users = Фильтр пользователей
admin-ldap-starttls = STARTTLS
admin-directory-sync-now = Синхронизировать сейчас
admin-directory-settings-hint = Настройки берутся из раздела [ldap] файла конфигурации. Синхронизация идёт в фоне; страница следит за ней до конца.

directory-absences = Кто отсутствует
directory-absences-from = Первый день
directory-absences-days = Число дней
directory-absences-show = Показать
directory-absences-navigation = Другие периоды
directory-absences-earlier = ← Раньше
directory-absences-later = Позже →
directory-absences-period = { $from } – { $to }
directory-absences-none = В этот период все на месте.
directory-absences-away = Отсутствует
directory-absences-bad-date = Первый день должен быть датой вида 2030-08-12.
directory-absences-bad-days = Число дней должно быть целым числом от 1 до 62.
directory-birthdays-link = Дни рождения
directory-birthdays = { $count ->
    [one] Дни рождения в ближайший { $count } день
    [few] Дни рождения в ближайшие { $count } дня
    [many] Дни рождения в ближайшие { $count } дней
   *[other] Дни рождения в ближайшие { $count } дня
}
directory-birthdays-none = В ближайшие дни дней рождения нет.
directory-birthday-today = сегодня
directory-birthday-tomorrow = завтра
directory-birthday-in = { $count ->
    [one] через { $count } день
    [few] через { $count } дня
    [many] через { $count } дней
   *[other] через { $count } дня
}
directory-date = Дата
directory-change = Изменение
directory-changes = Кадровые изменения
directory-changes-period = { $count ->
    [one] Приёмы, переводы и увольнения за последний { $count } день.
    [few] Приёмы, переводы и увольнения за последние { $count } дня.
    [many] Приёмы, переводы и увольнения за последние { $count } дней.
   *[other] Приёмы, переводы и увольнения за последние { $count } дня.
}
directory-changes-hint = Их записывает синхронизация с каталогом компании (LDAP).
directory-changes-none = За этот период кадровых изменений не было.
directory-change-hired = Приём на работу
directory-change-moved = Перевод в отдел «{ $department }»
directory-change-moved-out = Выход из отдела
directory-change-title = Новая должность: { $title }
directory-change-title-cleared = Должность снята
directory-change-manager = Новый руководитель: { $name }
directory-change-manager-other = Смена руководителя
directory-change-renamed = Смена логина: { $from } → { $to }
directory-change-left = Увольнение
directory-change-returned = Возвращение на работу
directory-change-other = Изменение данных

calendar-grant-heading = Кому открыт календарь
calendar-grant-none = Отдельно никому не открыт; коллеги видят то, что разрешает «Что видят коллеги».
calendar-grant-who = Кому
calendar-grant-kind-user = Пользователь
calendar-grant-kind-group = Группа
calendar-grant-kind-department = Отдел
calendar-grant-name = Логин, имя группы или краткое имя отдела (как в адресе его библиотеки)
calendar-grant-level = Доступ
calendar-grant-read = Чтение
calendar-grant-write = Чтение и изменение
calendar-grant-add = Открыть доступ
calendar-grant-remove = Закрыть доступ
calendar-grant-unknown = Нет такого пользователя, группы или отдела: { $name }.
calendar-grant-forbidden = Этот календарь не ваш: изменить его нельзя.
calendar-grant-bad-level = Выберите «Чтение» или «Чтение и изменение».
documents-grant-heading = Права доступа
documents-grant-hint = Сверх правил самой библиотеки: то, что вы дадите здесь, действует для этой папки и всего, что в ней.
documents-grant-none = Отдельно доступ к этой папке никому не дан.
documents-grant-who = Кому дать доступ
documents-grant-kind-user = Пользователь
documents-grant-kind-group = Группа
documents-grant-kind-department = Отдел
documents-grant-name = Логин, имя группы или краткое имя отдела (как в адресе его библиотеки)
documents-grant-level = Доступ
documents-grant-read = Чтение
documents-grant-write = Чтение и изменение
documents-grant-manage = Управление (и выдача доступа)
documents-grant-add = Дать доступ
documents-grant-remove = Убрать
documents-grant-unknown = Нет такого пользователя, группы или отдела: { $name }.
documents-grant-bad-level = Выберите «Чтение», «Чтение и изменение» или «Управление».

admin-ldap-test = Проверить подключение
admin-ldap-test-hint = Проверка подключается с этими настройками, входит под служебной учётной записью и считает записи, подходящие под фильтр пользователей; она ничего не меняет и сдаётся через 10 секунд.
admin-ldap-test-ok = Подключение и вход выполнены. Под фильтр пользователей подходит { $count ->
    [one] { $count } запись
    [few] { $count } записи
    [many] { $count } записей
   *[other] { $count } записи
} ({ $ms } мс).
admin-ldap-test-ok-at-least = Подключение и вход выполнены. Под фильтр пользователей подходит не меньше { $count ->
    [one] { $count } записи
    [few] { $count } записей
    [many] { $count } записей
   *[other] { $count } записи
} (дальше счёт не ведётся; { $ms } мс).
admin-ldap-test-config = Настройки [ldap] неверны: { $detail }
admin-ldap-test-connect = Не удаётся подключиться к серверу каталога { $url }: { $detail }
admin-ldap-test-tls = Не удалось установить TLS-соединение с { $url } (проверьте сертификат, tls_ca_file и настройку STARTTLS): { $detail }
admin-ldap-test-timeout = Сервер каталога не ответил за { $seconds } с.
admin-ldap-test-lost = Сервер каталога закрыл соединение или ответил не так, как ожидалось: { $detail }
admin-ldap-test-credentials = Каталог отклонил вход как { $dn }: неверные учётные данные (проверьте DN и пароль для входа).
admin-ldap-test-bind = Каталог отклонил вход как { $dn } (код { $code }: { $detail }).
admin-ldap-test-base = Базовый DN { $base } не существует или недоступен служебной учётной записи.
admin-ldap-test-filter = Каталог отклонил фильтр пользователей { $filter }: { $detail }
admin-ldap-test-search = Поиск сотрудников не удался (код { $code }: { $detail }).
admin-directory-last-pass = Последняя завершённая синхронизация: { $kind }, { $when }
admin-directory-pass-full = полная
admin-directory-pass-delta = только изменения
admin-directory-created = Создано
admin-directory-updated = Обновлено
admin-directory-deactivated = Отключено
admin-directory-unchanged = Без изменений
admin-directory-skipped = Пропущено
admin-directory-skipped-entries = Пропущенные записи
admin-directory-entry = Запись
admin-directory-reason = Причина
admin-directory-skipped-more = { $count ->
    [one] …и ещё { $count } пропущенная запись, не показана.
    [few] …и ещё { $count } пропущенные записи, не показаны.
    [many] …и ещё { $count } пропущенных записей, не показаны.
   *[other] …и ещё { $count } пропущенной записи, не показаны.
}
admin-directory-skip-missing-attribute = нет атрибута { $detail }
admin-directory-skip-invalid-value = значение атрибута { $detail } не удаётся прочитать
admin-directory-skip-not-text = атрибут { $detail } не является текстом
admin-directory-skip-invalid-login = логин «{ $detail }» не подходит (буквы, цифры, «.», «_» и «-», не длиннее 64 символов)
admin-directory-skip-invalid-dn = DN записи не удаётся прочитать
admin-directory-skip-duplicate-login = у другой записи тот же логин «{ $detail }»
admin-directory-skip-duplicate-id = у другой записи тот же внешний идентификатор { $detail }

documents-upload-drop = Или перетащите файлы на эту форму.
documents-upload-progress = Ход загрузки
documents-upload-failed = Загрузка не удалась. Проверьте подключение и попробуйте ещё раз.


# Письма: приглашения (iMIP), ответы на них и напоминания (src/core/calendars/imip.rs).
# { $title } — название события; { $name } — имя организатора (в ответе — участника).
mail-subject-invitation = Приглашение: { $title }
mail-subject-update = Обновлённое приглашение: { $title }
mail-subject-cancellation = Отменено: { $title }
mail-subject-accepted = { $name } принял(а) приглашение: { $title }
mail-subject-tentative = { $name } ответил(а) «возможно»: { $title }
mail-subject-declined = { $name } отклонил(а) приглашение: { $title }
mail-subject-answered = { $name } ответил(а) на приглашение: { $title }
mail-subject-reminder = Напоминание: { $title }
mail-invitation = { $name } приглашает вас на встречу «{ $title }».
mail-update = Встреча «{ $title }» изменена. Организатор: { $name }.
mail-cancellation = Встреча «{ $title }» отменена. Организатор: { $name }.
mail-accepted = { $name } принял(а) приглашение на встречу «{ $title }».
mail-tentative = { $name }, возможно, придёт на встречу «{ $title }».
mail-declined = { $name } отклонил(а) приглашение на встречу «{ $title }».
mail-answered = { $name } ответил(а) на приглашение на встречу «{ $title }».
mail-reminder = Напоминание: «{ $title }»
mail-reminder-sender = Календарь
mail-when = Когда: { $when }
mail-where = Где: { $where }
mail-date-time = { $date }, { $time }
mail-your-answer = Ваш ответ:
mail-answer-accept = Принять
mail-answer-tentative = Возможно
mail-answer-decline = Отклонить
mail-attached = Приглашение приложено к письму: ваша программа-календарь может добавить его и ответить организатору.
mail-attached-too = Приглашение также приложено к письму для вашей программы-календаря.

admin-directory-progress-running = Синхронизация идёт с { $since } — { $phase }
admin-directory-progress-reading = чтение каталога
admin-directory-progress-read = чтение каталога ({ $count ->
    [one] прочитана { $count } запись
    [few] прочитаны { $count } записи
    [many] прочитано { $count } записей
   *[other] прочитано { $count } записи
})
admin-directory-progress-photos = сохранение { $count ->
    [one] { $count } фотографии
    [few] { $count } фотографий
    [many] { $count } фотографий
   *[other] { $count } фотографии
}
admin-directory-progress-applying = применение изменений: создано { $created }, изменено { $updated }, отключено { $deactivated }
admin-directory-progress-books = запись адресных книг
admin-directory-progress-busy = Синхронизация каталога уже идёт; эта страница показывает, на каком она этапе, и обновляется сама, пока синхронизация не закончится.

rooms-title = Свободные переговорные
rooms-find = Найти
rooms-find-free = Найти свободную переговорную
rooms-date = День
rooms-people = Сколько человек
rooms-equipment = Оборудование
rooms-midnight-hint = Окончание 00:00 — это полночь в конце дня.
rooms-free = Свободны
rooms-none = Переговорных пока нет.
rooms-none-free = В это время нет свободных переговорных, которые вы можете забронировать.
rooms-room = Переговорная
rooms-seats = Места
rooms-book = Забронировать
rooms-no-address = нет адреса для приглашения
rooms-not-stated = не указано
rooms-no-equipment = нет
rooms-unavailable = Недоступны
rooms-reason-busy = занята
rooms-reason-not-yours = вам нельзя её бронировать
rooms-reason-too-small = мало мест
rooms-reason-seats-unknown = число мест не указано
rooms-reason-equipment = нет нужного оборудования
rooms-bad-range = Окончание должно быть позже начала.
rooms-bad-people = Укажите число человек — целое число от 0 до 100000.
