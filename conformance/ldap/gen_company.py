#!/usr/bin/env python3
"""Generate a deterministic test company as LDIF, for OpenLDAP or Active Directory (Samba).

usage: gen_company.py --flavor openldap|ad [--base DN] [--employees N] [--seed N]

The company: a CEO, 9 divisions (each an OU under ou=People with a head), 35 departments
(OUs inside the divisions, each with a head reporting to the division head), and employees
reporting to their department head, about 1,200 people in all with titles, phones, mobiles
for about half, a small jpegPhoto/thumbnailPhoto for every 10th person, and about 1% of the
accounts disabled. One group per division plus "All Staff". Entries are written in an order
in which every manager and group member exists before it is referenced (AD checks that).

AD also names each OU's head in managedBy. OpenLDAP: base entry, ou=People/Groups/Services, the read-only service account
cn=portico,ou=Services,<base> (userPassword "portico-sync"), inetOrgPerson people with
departmentNumber "<division>/<department>", disabled accounts marked "employeeType: disabled",
every person's password "pw-<uid>". AD: OUs, users with userAccountControl 544 (normal
account, no password required) or 546 (disabled), groups; the base entry and the accounts
with passwords are created by samba-tool instead.

Same arguments, same output: the integration test relies on nothing but the shape.
"""

import argparse
import base64
import random
import sys
import unicodedata

DIVISIONS = [
    ("Management", ["Board", "Strategy", "Legal"]),
    ("Engineering", ["Backend", "Frontend", "Mobile", "QA", "DevOps", "Security"]),
    ("Sales", ["EMEA", "Americas", "APAC", "Inside Sales", "Partners"]),
    ("Marketing", ["Brand", "Content", "Events", "Product Marketing"]),
    ("Finance", ["Accounting", "Controlling", "Payroll", "Treasury"]),
    ("Operations", ["Logistics", "Procurement", "Facilities", "Warehouse"]),
    ("Human Resources", ["Recruiting", "Learning", "HR Operations"]),
    ("Support", ["Tier 1", "Tier 2", "Customer Success"]),
    ("IT", ["Helpdesk", "Infrastructure", "Applications"]),
]

ROLES = {
    "Management": ["Analyst", "Counsel", "Assistant"],
    "Engineering": ["Software Engineer", "Test Engineer", "Site Reliability Engineer", "Architect"],
    "Sales": ["Account Executive", "Sales Representative", "Sales Engineer"],
    "Marketing": ["Marketing Specialist", "Copywriter", "Designer"],
    "Finance": ["Accountant", "Financial Analyst", "Clerk"],
    "Operations": ["Coordinator", "Buyer", "Operator"],
    "Human Resources": ["Recruiter", "HR Generalist", "Trainer"],
    "Support": ["Support Agent", "Customer Success Manager"],
    "IT": ["Administrator", "Technician", "Developer"],
}

FIRST = (
    "Adam Alice Amelia Anna Arjun Ben Bianca Carl Carla Chen Chloe Daniel Diana Elena Emil Emma Ethan "
    "Farah Felix Fiona George Grace Hana Hugo Ines Isaac Ivy Jack Jana Jonas Julia Karl Kate Lars Laura "
    "Leo Lena Liam Lucia Maja Marco Maria Mateo Mia Nadia Noah Nora Olga Oscar Paula Pedro Quinn Rafael "
    "Rosa Samir Sara Sven Tara Tomas Uma Victor Vera Wei Yara Yusuf Zoë Zoltán"
).split()
LAST = (
    "Adams Andersen Bauer Becker Brown Carter Castro Chen Costa Davies Dubois Evans Fischer Garcia Green "
    "Hansen Hoffmann Hughes Ivanova Jensen Johnson Kaur Keller Khan Kim Kowalski Larsen Lee Lopez Martin "
    "Meyer Moreau Müller Nagy Nielsen Novak Nuñez O'Brien Olsen Øberg Park Patel Perez Petrov Quinn Richter "
    "Rossi Santos Schmidt Schulz Silva Smith Sousa Suzuki Tanaka Taylor Thomas Novák Walker Wang Weber "
    "Williams Wilson Wójcik Wright Yamamoto Young Zimmermann Łukasik"
).split()

SPECIAL_ASCII = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "'": ""})


def ascii_fold(text):
    text = text.translate(SPECIAL_ASCII)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def ldif_value(attr, value):
    """An LDIF line: base64 when the value is not safe ASCII (RFC 2849)."""
    if isinstance(value, bytes):
        return f"{attr}:: {base64.b64encode(value).decode()}"
    safe = value and value[0] not in " :<" and value[-1] != " " and all(32 <= ord(c) < 127 for c in value)
    if safe:
        return f"{attr}: {value}"
    return f"{attr}:: {base64.b64encode(value.encode()).decode()}"


def rdn_escape(value):
    out = []
    for i, c in enumerate(value):
        if c in ',+"\\<>;=' or (c == "#" and i == 0) or (c == " " and i in (0, len(value) - 1)):
            out.append("\\")
        out.append(c)
    return "".join(out)


def photo(n):
    """A small deterministic placeholder with JPEG start/end markers (servers do not decode it)."""
    body = bytes((n * 37 + i * 11) % 256 for i in range(96))
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + body + b"\xff\xd9"


class Company:
    def __init__(self, employees, seed):
        self.rng = random.Random(seed)
        self.logins = set()
        self.names = set()
        self.people = []  # dicts, managers before their reports
        self.target = employees

    def login_for(self, first, last):
        base = (ascii_fold(first)[0] + ascii_fold(last)).lower()[:16]
        login, n = base, 1
        while login in self.logins:
            n += 1
            login = f"{base}{n}"
        self.logins.add(login)
        return login

    def person(self, division, department, title, manager):
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            name = f"{first} {last}"
            if name not in self.names:
                break
            # Rare repeat: make the display name unique with a middle initial.
            name = f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTVW')}. {last}"
            if name not in self.names:
                break
        self.names.add(name)
        n = len(self.people)
        p = {
            "n": n,
            "first": first,
            "last": last,
            "cn": name,
            "login": self.login_for(first, last),
            "division": division,
            "department": department,
            "title": title,
            "manager": manager,
            "phone": f"+1 555 {100 + n // 100:03d} {n % 100:02d}{self.rng.randrange(100):02d}",
            "mobile": f"+1 555 9{self.rng.randrange(10**6):06d}" if self.rng.random() < 0.5 else None,
            "photo": photo(n) if n % 10 == 3 else None,
            "disabled": False,
            "is_manager": False,
        }
        if manager is not None:
            manager["is_manager"] = True
        self.people.append(p)
        return p

    def build(self):
        ceo = self.person("Management", None, "Chief Executive Officer", None)
        departments = [(div, dep) for div, deps in DIVISIONS for dep in deps]
        heads = {}
        for div, deps in DIVISIONS:
            head = ceo if div == "Management" else self.person(div, None, f"Head of {div}", ceo)
            heads[div] = head
        dept_heads = {}
        for div, dep in departments:
            dept_heads[(div, dep)] = self.person(div, dep, f"{dep} Manager", heads[div])
        weights = [self.rng.uniform(0.5, 2.0) for _ in departments]
        total = sum(weights)
        remaining = self.target - len(self.people)
        counts = [int(remaining * w / total) for w in weights]
        for i in range(remaining - sum(counts)):
            counts[i % len(counts)] += 1
        for (div, dep), count in zip(departments, counts):
            for _ in range(count):
                role = self.rng.choice(ROLES[div])
                seniority = self.rng.choice(["", "", "Senior ", "Junior ", "Lead "])
                self.person(div, dep, f"{seniority}{role}", dept_heads[(div, dep)])
        for p in self.people:
            if not p["is_manager"] and p["n"] % 97 == 50:
                p["disabled"] = True


def ou_dn(base, division, department):
    dn = f"ou={rdn_escape(division)},ou=People,{base}"
    return f"ou={rdn_escape(department)},{dn}" if department else dn


def emit(lines, out):
    out.write("\n".join(lines) + "\n\n")


def openldap(company, base, out):
    dc = base.split(",")[0].split("=", 1)[1]
    emit([f"dn: {base}", "objectClass: dcObject", "objectClass: organization", f"o: {dc.title()} Test", f"dc: {dc}"], out)
    for ou in ("People", "Groups", "Services"):
        emit([f"dn: ou={ou},{base}", "objectClass: organizationalUnit", f"ou: {ou}"], out)
    emit(
        [
            f"dn: cn=portico,ou=Services,{base}",
            "objectClass: applicationProcess",
            "objectClass: simpleSecurityObject",
            "cn: portico",
            "description: Portico directory sync (read-only)",
            "userPassword: portico-sync",
        ],
        out,
    )
    for div, deps in DIVISIONS:
        emit([f"dn: {ou_dn(base, div, None)}", "objectClass: organizationalUnit", ldif_value("ou", div)], out)
        for dep in deps:
            emit([f"dn: {ou_dn(base, div, dep)}", "objectClass: organizationalUnit", ldif_value("ou", dep)], out)
    for p in company.people:
        p["dn"] = f"uid={p['login']},{ou_dn(base, p['division'], p['department'])}"
        lines = [
            ldif_value("dn", p["dn"]),
            "objectClass: inetOrgPerson",
            f"uid: {p['login']}",
            ldif_value("cn", p["cn"]),
            ldif_value("givenName", p["first"]),
            ldif_value("sn", p["last"]),
            ldif_value("displayName", p["cn"]),
            f"mail: {p['login']}@corp.test",
            f"telephoneNumber: {p['phone']}",
            ldif_value("title", p["title"]),
            ldif_value("departmentNumber", "/".join(x for x in (p["division"], p["department"]) if x)),
            f"employeeNumber: {10000 + p['n']}",
            f"userPassword: pw-{p['login']}",
        ]
        if p["mobile"]:
            lines.append(f"mobile: {p['mobile']}")
        if p["manager"]:
            lines.append(ldif_value("manager", p["manager"]["dn"]))
        if p["photo"]:
            lines.append(ldif_value("jpegPhoto", p["photo"]))
        if p["disabled"]:
            lines.append("employeeType: disabled")
        emit(lines, out)
    for cn, members in groups(company):
        lines = [f"dn: cn={rdn_escape(cn)},ou=Groups,{base}", "objectClass: groupOfNames", ldif_value("cn", cn)]
        lines += [ldif_value("member", m["dn"]) for m in members]
        emit(lines, out)


def active_directory(company, base, out):
    # The domain object exists (provisioned); everything else is added here, parents first.
    emit([f"dn: OU=People,{base}", "changetype: add", "objectClass: organizationalUnit", "ou: People"], out)
    emit([f"dn: OU=Groups,{base}", "changetype: add", "objectClass: organizationalUnit", "ou: Groups"], out)
    for div, deps in DIVISIONS:
        emit([f"dn: {ou_dn(base, div, None).replace('ou=', 'OU=')}", "changetype: add", "objectClass: organizationalUnit"], out)
        for dep in deps:
            emit([f"dn: {ou_dn(base, div, dep).replace('ou=', 'OU=')}", "changetype: add", "objectClass: organizationalUnit"], out)
    domain = ".".join(part.split("=", 1)[1] for part in base.split(","))
    for p in company.people:
        p["dn"] = f"CN={rdn_escape(p['cn'])},{ou_dn(base, p['division'], p['department']).replace('ou=', 'OU=')}"
        lines = [
            ldif_value("dn", p["dn"]),
            "changetype: add",
            "objectClass: user",
            f"sAMAccountName: {p['login']}",
            f"userPrincipalName: {p['login']}@{domain}",
            ldif_value("givenName", p["first"]),
            ldif_value("sn", p["last"]),
            ldif_value("displayName", p["cn"]),
            f"mail: {p['login']}@{domain}",
            f"telephoneNumber: {p['phone']}",
            ldif_value("title", p["title"]),
            ldif_value("department", p["department"] or p["division"]),
            ldif_value("company", "Corp Test"),
            f"employeeNumber: {10000 + p['n']}",
            f"userAccountControl: {546 if p['disabled'] else 544}",
        ]
        if p["mobile"]:
            lines.append(f"mobile: {p['mobile']}")
        if p["manager"]:
            lines.append(ldif_value("manager", p["manager"]["dn"]))
        if p["photo"]:
            lines.append(ldif_value("thumbnailPhoto", p["photo"]))
        emit(lines, out)
    # Department heads as the OUs' managedBy (AD's way to name them), now that the people exist.
    heads = {}
    for p in company.people:
        if p["title"] == "Chief Executive Officer":
            heads[("Management", None)] = p
        elif p["title"].startswith("Head of "):
            heads[(p["division"], None)] = p
        elif p["department"] and p["title"] == f"{p['department']} Manager":
            heads[(p["division"], p["department"])] = p
    for (div, dep), head in heads.items():
        emit(
            [
                ldif_value("dn", ou_dn(base, div, dep).replace("ou=", "OU=")),
                "changetype: modify",
                "replace: managedBy",
                ldif_value("managedBy", head["dn"]),
                "-",
            ],
            out,
        )
    for cn, members in groups(company):
        sam = ascii_fold(cn).replace(" ", "-").lower()[:20]
        lines = [
            f"dn: CN={rdn_escape(cn)},OU=Groups,{base}",
            "changetype: add",
            "objectClass: group",
            f"sAMAccountName: {sam}",
        ]
        lines += [ldif_value("member", m["dn"]) for m in members]
        emit(lines, out)


def groups(company):
    yield "All Staff", company.people
    for div, _ in DIVISIONS:
        yield f"Division {div}", [p for p in company.people if p["division"] == div]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flavor", choices=["openldap", "ad"], required=True)
    ap.add_argument("--base", default=None)
    ap.add_argument("--employees", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args()
    if args.employees < 100:
        ap.error("--employees must be at least 100")
    company = Company(args.employees, args.seed)
    company.build()
    if args.flavor == "openldap":
        openldap(company, args.base or "dc=corp,dc=test", sys.stdout)
    else:
        active_directory(company, args.base or "DC=corp,DC=test", sys.stdout)
    departments = sum(len(deps) for _, deps in DIVISIONS)
    print(
        f"gen_company: {len(company.people)} people, {len(DIVISIONS)} divisions, {departments} departments, "
        f"{sum(p['disabled'] for p in company.people)} disabled",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
