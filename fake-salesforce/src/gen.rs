//! Org data: loading a JSON data file, or generating a realistic org from a
//! seed (Unicode names, nulls, long values, `*` names, skewed ownership,
//! duplicate emails, account-contact relations).

use crate::store::{Input, Org, WriteError};
use crate::timeutil;
use std::collections::HashMap;

/// The domain of every generated e-mail address. Not `example.com`/`.org`/
/// `.net`: a stock OTRS refuses those (`CheckEmailInvalidAddress` is
/// `@(example)\.(..|...)$`), so the generated org could not be imported.
pub const MAIL_DOMAIN: &str = "demo-crm.net";

/// Who the API user is (the login identity of the fake).
pub struct ApiUser<'a> {
    pub username: &'a str,
    pub organization_name: &'a str,
}

/// Deterministic PRNG (splitmix64): the same seed gives the same org.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `pct` percent.
    pub fn pct(&mut self, pct: u64) -> bool {
        self.next_u64() % 10_000 < pct * 100
    }

    /// True with probability `permille` per thousand.
    pub fn permille(&mut self, permille: u64) -> bool {
        self.next_u64() % 1000 < permille
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Sizes for `--generate accounts=N,owners=M,contacts=K,leads=L,deleted=D`.
#[derive(Clone, Debug, PartialEq)]
pub struct GenSpec {
    pub accounts: usize,
    pub owners: usize,
    pub contacts: usize,
    pub leads: usize,
    pub deleted: usize,
    pub seed: u64,
}

impl GenSpec {
    pub fn parse(spec: &str, seed: u64) -> Result<GenSpec, String> {
        let mut g = GenSpec {
            accounts: 100,
            owners: 5,
            contacts: 0,
            leads: 5,
            deleted: 0,
            seed,
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("--generate: expected key=number, got '{part}'"))?;
            let n: usize = v
                .trim()
                .parse()
                .map_err(|_| format!("--generate: '{v}' is not a number (in '{part}')"))?;
            match k.trim() {
                "accounts" => g.accounts = n,
                "owners" => g.owners = n,
                "contacts" => g.contacts = n,
                "leads" => g.leads = n,
                "deleted" => g.deleted = n,
                other => {
                    return Err(format!(
                        "--generate: unknown key '{other}' (known: accounts, owners, contacts, leads, deleted)"
                    ))
                }
            }
        }
        if g.owners == 0 && g.accounts > 0 {
            return Err("--generate: owners must be at least 1 when there are accounts".into());
        }
        if g.deleted > g.accounts {
            return Err("--generate: deleted cannot exceed accounts".into());
        }
        Ok(g)
    }
}

const FIRST: &[&str] = &[
    "Anna",
    "Jürgen",
    "Zoë",
    "José",
    "Łukasz",
    "Søren",
    "Chloé",
    "Björn",
    "Ana",
    "Émile",
    "Renée",
    "Jan",
    "Maria",
    "Mohammed",
    "Olga",
    "Ravi",
    "Siobhán",
    "Thomas",
    "Ines",
    "Kai",
    "太郎",
    "Ngọc",
    "François",
    "Ayşe",
    "Håkon",
];
const LAST: &[&str] = &[
    "Müller",
    "Østergaard",
    "O'Brien",
    "Nguyễn",
    "García",
    "Dubois",
    "Kowalski",
    "Smith",
    "Schäfer",
    "山田",
    "Ivanova",
    "Ahmed",
    "Rossi",
    "van der Berg",
    "Lefèvre",
    "D'Angelo",
    "Öztürk",
    "Jensen",
    "Brown",
    "Novák",
    "Weiß",
    "Fernández",
    "Kim",
    "Papadopoulos",
    "Nowak",
];
const WORDS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Nordwind",
    "Alpen",
    "Bäckerei",
    "Café",
    "Zürich",
    "Øresund",
    "Kraków",
    "Montréal",
    "São",
    "Søndergaard",
    "Blue",
    "Red",
    "North",
    "South",
    "Eastern",
    "Western",
    "Pacific",
    "Atlantic",
    "Quantum",
    "Solar",
    "Green",
    "Silver",
    "Golden",
    "Iron",
    "Crystal",
    "Rapid",
    "Prime",
    "Delta",
    "Omega",
    "Summit",
    "River",
    "Harbor",
];
const WORDS2: &[&str] = &[
    "Systems",
    "Logistics",
    "Holdings",
    "Trading",
    "Consulting",
    "Software",
    "Foods",
    "Energy",
    "Partners",
    "Industries",
    "Media",
    "Labs",
    "Werke",
    "Technik",
    "Handel",
    "Services",
    "Solutions",
    "Group",
    "Design",
    "Robotics",
];
const SUFFIX: &[&str] = &[
    "GmbH", "Inc.", "Ltd", "AG", "S.A.", "KG", "LLC", "& Co. KG", "SARL", "Oy", "AB", "K.K.",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Berlin", "10115", "Germany"),
    ("München", "80331", "Germany"),
    ("Zürich", "8001", "Switzerland"),
    ("Wien", "1010", "Austria"),
    ("Paris", "75001", "France"),
    ("Kraków", "30-001", "Poland"),
    ("København", "1050", "Denmark"),
    ("São Paulo", "01000-000", "Brazil"),
    ("東京", "100-0001", "Japan"),
    ("New York", "10001", "United States"),
    ("San Francisco", "94105", "United States"),
    ("London", "EC1A 1BB", "United Kingdom"),
    ("Dublin", "D02", "Ireland"),
    ("Montréal", "H2Y 1C6", "Canada"),
];
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Rue de la Paix",
    "Main Street",
    "Bahnhofstrasse",
    "ul. Floriańska",
    "Calle Mayor",
];
const TITLES: &[&str] = &[
    "Account Executive",
    "Sales Manager",
    "CEO",
    "Head of IT",
    "Buyer",
    "Support Lead",
    "VP Sales",
    "Office Manager",
];
const DEPTS: &[&str] = &[
    "Sales",
    "Support",
    "IT",
    "Finance",
    "Purchasing",
    "Management",
];
const TYPES: &[&str] = &[
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Technology Partner",
    "Other",
];
const INDUSTRIES: &[&str] = &[
    "Banking",
    "Technology",
    "Manufacturing",
    "Retail",
    "Healthcare",
    "Energy",
    "Food & Beverage",
    "Consulting",
    "Education",
    "Media",
];

fn ascii_fold(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        let r = match c {
            'ä' | 'á' | 'à' | 'â' | 'ã' | 'å' => "a",
            'Ä' | 'Á' | 'Å' => "a",
            'ö' | 'ó' | 'ø' | 'ô' | 'Ö' | 'Ø' => "o",
            'ü' | 'ú' | 'Ü' => "u",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'ệ' => "e",
            'ç' => "c",
            'ł' | 'Ł' => "l",
            'ñ' => "n",
            'ß' => "ss",
            'ş' => "s",
            'ğ' => "g",
            'ı' | 'í' => "i",
            'ọ' => "o",
            'ễ' => "e",
            c if c.is_ascii_alphanumeric() => {
                o.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "",
        };
        o.push_str(r);
    }
    if o.is_empty() {
        "user".into()
    } else {
        o
    }
}

fn t(s: impl Into<String>) -> Input {
    Input::Text(s.into())
}

fn put(fields: &mut Vec<(String, Input)>, name: &str, v: Option<String>) {
    fields.push((name.to_string(), v.map(Input::Text).unwrap_or(Input::Null)));
}

fn insert(
    org: &mut Org,
    obj: &str,
    fields: Vec<(String, Input)>,
    user: &str,
    now: i64,
) -> Result<String, String> {
    let oi = org
        .schema
        .object(obj)
        .ok_or_else(|| format!("unknown object {obj}"))?;
    org.insert(oi, &fields, user, now, true)
        .map_err(|e| match e {
            WriteError::Record(errs) => format!(
                "{obj}: {}",
                errs.iter()
                    .map(|e| format!("{} {}", e.status_code, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            WriteError::Fault { code, message } => format!("{obj}: {code}: {message}"),
        })
}

/// Creates the Organization row and the API user; returns the user's id.
fn base(org: &mut Org, api: &ApiUser, now: i64) -> Result<String, String> {
    let org_id = org.org_id.clone();
    insert(
        org,
        "Organization",
        vec![
            ("Id".into(), t(org_id)),
            ("Name".into(), t(api.organization_name)),
            ("Country".into(), t("Germany")),
            ("OrganizationType".into(), t("Developer Edition")),
            ("InstanceName".into(), t("FAKE1")),
            ("IsSandbox".into(), t("false")),
            ("LanguageLocaleKey".into(), t("en_US")),
            ("TimeZoneSidKey".into(), t("Europe/Berlin")),
            (
                "CreatedDate".into(),
                t(timeutil::format_datetime(now - 400 * 86_400_000)),
            ),
        ],
        "",
        now,
    )?;
    let uid = insert(
        org,
        "User",
        vec![
            ("Username".into(), t(api.username)),
            ("FirstName".into(), t("Integration")),
            ("LastName".into(), t("User")),
            ("Email".into(), t(format!("integration@{MAIL_DOMAIN}"))),
            ("Alias".into(), t("integ")),
            ("Title".into(), t("API Integration")),
            ("Department".into(), t("IT")),
            ("TimeZoneSidKey".into(), t("Europe/Berlin")),
            ("LocaleSidKey".into(), t("de_DE")),
            ("LanguageLocaleKey".into(), t("en_US")),
            (
                "CreatedDate".into(),
                t(timeutil::format_datetime(now - 400 * 86_400_000)),
            ),
        ],
        "",
        now,
    )?;
    org.user_id = uid.clone();
    Ok(uid)
}

/// Generates an org.
pub fn generate(org: &mut Org, spec: &GenSpec, api: &ApiUser) -> Result<(), String> {
    let now = crate::clock::now();
    let mut rng = Rng::new(spec.seed);
    let api_uid = base(org, api, now)?;
    let day = 86_400_000i64;
    let stamp = |rng: &mut Rng| -> (String, String) {
        let created = now - (1 + rng.below(730) as i64) * day - rng.below(86_400_000) as i64;
        let modified = created + rng.below(((now - created) / 1000).max(1) as usize) as i64 * 1000;
        (
            timeutil::format_datetime(created),
            timeutil::format_datetime(modified),
        )
    };
    let mut owners = Vec::new();
    let mut used_emails: HashMap<String, usize> = HashMap::new();
    for i in 0..spec.owners {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let mut email = format!("{}.{}@{MAIL_DOMAIN}", ascii_fold(first), ascii_fold(last));
        let n = used_emails.entry(email.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            email = format!(
                "{}.{}{}@{MAIL_DOMAIN}",
                ascii_fold(first),
                ascii_fold(last),
                n
            );
        }
        let (created, modified) = stamp(&mut rng);
        let mut f = Vec::new();
        put(&mut f, "Username", Some(format!("{email}.fakeorg")));
        put(&mut f, "FirstName", Some(first.to_string()));
        put(&mut f, "LastName", Some(last.to_string()));
        put(&mut f, "Email", Some(email));
        put(
            &mut f,
            "Title",
            (!rng.pct(10)).then(|| rng.pick(TITLES).to_string()),
        );
        put(
            &mut f,
            "Department",
            (!rng.pct(20)).then(|| rng.pick(DEPTS).to_string()),
        );
        put(
            &mut f,
            "Phone",
            (!rng.pct(20)).then(|| format!("+49 30 {:07}", rng.below(10_000_000))),
        );
        put(
            &mut f,
            "MobilePhone",
            (!rng.pct(40)).then(|| format!("+49 170 {:07}", rng.below(10_000_000))),
        );
        let (city, _, country) = CITIES[rng.below(CITIES.len())];
        put(&mut f, "City", Some(city.to_string()));
        put(&mut f, "Country", Some(country.to_string()));
        put(&mut f, "Alias", Some(format!("own{i}")));
        // one in ten owners is deactivated (left the company, still owns accounts)
        put(
            &mut f,
            "IsActive",
            Some((i == 0 || !rng.pct(10)).to_string()),
        );
        put(&mut f, "EmployeeNumber", Some(format!("E{:05}", i + 1)));
        put(&mut f, "CreatedDate", Some(created));
        put(&mut f, "LastModifiedDate", Some(modified));
        owners.push(insert(org, "User", f, &api_uid, now)?);
    }
    let mut accounts = Vec::with_capacity(spec.accounts);
    let mut account_owner = Vec::with_capacity(spec.accounts);
    for i in 0..spec.accounts {
        // skewed ownership: low owner indexes own most accounts
        let u = rng.next_u64() as f64 / u64::MAX as f64;
        let owner = owners[((u * u * owners.len() as f64) as usize).min(owners.len() - 1)].clone();
        let mut name = format!(
            "{} {} {}",
            rng.pick(WORDS),
            rng.pick(WORDS2),
            rng.pick(SUFFIX)
        );
        if rng.permille(20) {
            name = format!("*{name}");
        } else if rng.permille(15) {
            name = format!("{name} <Legacy> & \"Partners\" 'Intl'");
        } else if rng.permille(2) {
            name = format!("{name} {}", "Überlange Firmenbezeichnung ".repeat(12));
            name = name.chars().take(255).collect();
        }
        let (city, zip, country) = CITIES[rng.below(CITIES.len())];
        let (created, modified) = stamp(&mut rng);
        let mut f = Vec::new();
        put(&mut f, "Name", Some(name));
        put(&mut f, "OwnerId", Some(owner.clone()));
        put(
            &mut f,
            "Type",
            (!rng.pct(15)).then(|| rng.pick(TYPES).to_string()),
        );
        put(
            &mut f,
            "Industry",
            (!rng.pct(25)).then(|| rng.pick(INDUSTRIES).to_string()),
        );
        let street = format!("{} {}", rng.pick(STREETS), 1 + rng.below(200));
        let street = if rng.pct(10) {
            format!("{street}\nHinterhaus, 3. OG")
        } else {
            street
        };
        put(&mut f, "BillingStreet", (!rng.pct(10)).then_some(street));
        put(
            &mut f,
            "BillingCity",
            (!rng.pct(10)).then(|| city.to_string()),
        );
        put(
            &mut f,
            "BillingPostalCode",
            (!rng.pct(12)).then(|| zip.to_string()),
        );
        put(
            &mut f,
            "BillingState",
            rng.pct(30).then(|| "BE".to_string()),
        );
        put(
            &mut f,
            "BillingCountry",
            (!rng.pct(8)).then(|| country.to_string()),
        );
        put(
            &mut f,
            "Phone",
            (!rng.pct(20))
                .then(|| format!("+49 (0)30 {:06}-{}", rng.below(1_000_000), rng.below(100))),
        );
        put(
            &mut f,
            "Website",
            (!rng.pct(30)).then(|| format!("https://www.example-{i}.com")),
        );
        put(
            &mut f,
            "NumberOfEmployees",
            (!rng.pct(30)).then(|| (1 + rng.below(50_000)).to_string()),
        );
        put(
            &mut f,
            "AnnualRevenue",
            rng.pct(40)
                .then(|| format!("{}.0", 10_000 * (1 + rng.below(100_000)))),
        );
        let desc = if rng.permille(5) {
            Some("Lange Beschreibung mit Umlauten äöü, Sonderzeichen <&> und Zeilen.\n".repeat(60))
        } else if rng.pct(30) {
            Some(format!(
                "Kunde seit {}. Ansprechpartner wechselt häufig.",
                2000 + rng.below(24)
            ))
        } else {
            None
        };
        put(&mut f, "Description", desc);
        put(&mut f, "AccountNumber", Some(format!("AC-{:07}", i + 1)));
        put(&mut f, "CreatedDate", Some(created));
        put(&mut f, "LastModifiedDate", Some(modified));
        let id = insert(org, "Account", f, &api_uid, now)?;
        accounts.push(id);
        account_owner.push(owner);
    }
    let mut contact_emails: Vec<Option<String>> = Vec::new();
    let mut contacts = Vec::new();
    for i in 0..spec.contacts {
        let first = if rng.pct(5) {
            None
        } else {
            Some(rng.pick(FIRST).to_string())
        };
        let last = rng.pick(LAST).to_string();
        let acct = if accounts.is_empty() || rng.pct(5) {
            None
        } else {
            Some(rng.below(accounts.len()))
        };
        let email = if rng.pct(15) {
            None
        } else if rng.permille(15) && !contact_emails.is_empty() {
            // a duplicate email: the same person entered twice, or a shared mailbox
            contact_emails[rng.below(contact_emails.len())].clone()
        } else {
            Some(format!(
                "{}.{}.{}@{MAIL_DOMAIN}",
                ascii_fold(first.as_deref().unwrap_or("x")),
                ascii_fold(&last),
                i + 1
            ))
        };
        contact_emails.push(email.clone());
        let (city, zip, country) = CITIES[rng.below(CITIES.len())];
        let (created, modified) = stamp(&mut rng);
        let owner = match acct {
            Some(a) => account_owner[a].clone(),
            None => api_uid.clone(),
        };
        let mut f = Vec::new();
        put(&mut f, "AccountId", acct.map(|a| accounts[a].clone()));
        put(&mut f, "FirstName", first);
        put(&mut f, "LastName", Some(last));
        put(&mut f, "Email", email);
        put(
            &mut f,
            "Title",
            (!rng.pct(30)).then(|| rng.pick(TITLES).to_string()),
        );
        put(
            &mut f,
            "Department",
            rng.pct(50).then(|| rng.pick(DEPTS).to_string()),
        );
        put(
            &mut f,
            "Phone",
            (!rng.pct(30)).then(|| format!("+49 89 {:07}", rng.below(10_000_000))),
        );
        put(
            &mut f,
            "MobilePhone",
            rng.pct(50)
                .then(|| format!("+49 151 {:07}", rng.below(10_000_000))),
        );
        put(
            &mut f,
            "MailingStreet",
            (!rng.pct(20)).then(|| format!("{} {}", rng.pick(STREETS), 1 + rng.below(200))),
        );
        put(
            &mut f,
            "MailingCity",
            (!rng.pct(15)).then(|| city.to_string()),
        );
        put(
            &mut f,
            "MailingPostalCode",
            (!rng.pct(15)).then(|| zip.to_string()),
        );
        put(
            &mut f,
            "MailingCountry",
            (!rng.pct(15)).then(|| country.to_string()),
        );
        put(&mut f, "OwnerId", Some(owner));
        put(&mut f, "CreatedDate", Some(created));
        put(&mut f, "LastModifiedDate", Some(modified));
        let id = insert(org, "Contact", f, &api_uid, now)?;
        contacts.push((id, acct));
    }
    for (cid, acct) in &contacts {
        let Some(a) = acct else { continue };
        let mut f = Vec::new();
        put(&mut f, "AccountId", Some(accounts[*a].clone()));
        put(&mut f, "ContactId", Some(cid.clone()));
        put(&mut f, "IsDirect", Some("true".into()));
        put(
            &mut f,
            "Roles",
            rng.pct(30).then(|| "Decision Maker".to_string()),
        );
        insert(org, "AccountContactRelation", f, &api_uid, now)?;
        if accounts.len() > 1 && rng.pct(10) {
            let mut other = rng.below(accounts.len());
            if other == *a {
                other = (other + 1) % accounts.len();
            }
            let mut f = Vec::new();
            put(&mut f, "AccountId", Some(accounts[other].clone()));
            put(&mut f, "ContactId", Some(cid.clone()));
            put(&mut f, "IsDirect", Some("false".into()));
            put(&mut f, "Roles", Some("Technical Buyer".into()));
            insert(org, "AccountContactRelation", f, &api_uid, now)?;
        }
    }
    for i in 0..spec.leads {
        let mut f = Vec::new();
        put(&mut f, "FirstName", Some(rng.pick(FIRST).to_string()));
        put(&mut f, "LastName", Some(rng.pick(LAST).to_string()));
        put(
            &mut f,
            "Company",
            Some(format!(
                "{} {} {}",
                rng.pick(WORDS),
                rng.pick(WORDS2),
                rng.pick(SUFFIX)
            )),
        );
        put(
            &mut f,
            "Email",
            Some(format!("lead{}@{MAIL_DOMAIN}", i + 1)),
        );
        put(&mut f, "OwnerId", Some(api_uid.clone()));
        insert(org, "Lead", f, &api_uid, now)?;
    }
    // the last `deleted` accounts sit in the recycle bin (visible to queryAll)
    for id in accounts.iter().rev().take(spec.deleted) {
        org.delete(id, "", now - rng.below(5 * 86_400_000) as i64)
            .map_err(|e| e.message)?;
    }
    Ok(())
}

const LOAD_ORDER: &[&str] = &[
    "User",
    "Account",
    "Contact",
    "AccountContactRelation",
    "Lead",
    "Opportunity",
];

/// Loads `{"organization": {...}?, "records": {"User": [...], "Account": [...], ...}}`.
/// Ids may be given as 15 or 18 characters; missing ids are generated.
/// Records may set read-only fields (CreatedDate, IsDeleted, ...).
pub fn load(org: &mut Org, json: &str, api: &ApiUser) -> Result<(), String> {
    let now = crate::clock::now();
    let doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("data file is not valid JSON: {e}"))?;
    let obj = doc
        .as_object()
        .ok_or("data file: the top level must be a JSON object")?;
    for k in obj.keys() {
        if !matches!(k.as_str(), "organization" | "records" | "comment") {
            return Err(format!(
                "data file: unknown top-level key '{k}' (known: organization, records, comment)"
            ));
        }
    }
    let org_name = obj
        .get("organization")
        .and_then(|o| o.get("Name"))
        .and_then(|n| n.as_str())
        .unwrap_or(api.organization_name)
        .to_string();
    let records = obj
        .get("records")
        .and_then(|r| r.as_object())
        .ok_or("data file: 'records' object missing")?;
    for k in records.keys() {
        if !LOAD_ORDER.contains(&k.as_str()) {
            return Err(format!(
                "data file: records of '{k}' cannot be loaded (known: {})",
                LOAD_ORDER.join(", ")
            ));
        }
    }
    let api_user_given = records
        .get("User")
        .and_then(|u| u.as_array())
        .is_some_and(|a| {
            a.iter()
                .any(|u| u.get("Username").and_then(|x| x.as_str()) == Some(api.username))
        });
    let api_uid = if api_user_given {
        let org_id = org.org_id.clone();
        insert(
            org,
            "Organization",
            vec![
                ("Id".into(), t(org_id)),
                ("Name".into(), t(org_name.as_str())),
            ],
            "",
            now,
        )?;
        String::new()
    } else {
        base(
            org,
            &ApiUser {
                username: api.username,
                organization_name: &org_name,
            },
            now,
        )?
    };
    let mut deleted = Vec::new();
    for objname in LOAD_ORDER {
        let Some(list) = records.get(*objname) else {
            continue;
        };
        let list = list
            .as_array()
            .ok_or_else(|| format!("data file: records.{objname} must be an array"))?;
        for (i, rec) in list.iter().enumerate() {
            let fields = rec
                .as_object()
                .ok_or_else(|| format!("data file: records.{objname}[{i}] must be an object"))?;
            let mut f = Vec::new();
            let mut is_deleted = false;
            for (k, v) in fields {
                if k == "IsDeleted" {
                    is_deleted = v.as_bool().unwrap_or(false);
                    continue;
                }
                f.push((k.clone(), Input::from_json(v)));
            }
            let id = insert(org, objname, f, &api_uid, now)
                .map_err(|e| format!("data file: records.{objname}[{i}]: {e}"))?;
            if *objname == "User"
                && rec.get("Username").and_then(|x| x.as_str()) == Some(api.username)
            {
                org.user_id = id.clone();
            }
            if is_deleted {
                deleted.push(id);
            }
        }
    }
    if org.user_id.is_empty() {
        return Err("data file: no API user".into());
    }
    org.validate_references()
        .map_err(|e| format!("data file: {e}"))?;
    for id in deleted {
        org.delete(&id, "", now - 86_400_000)
            .map_err(|e| format!("data file: delete {id}: {}", e.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use std::sync::Arc;

    #[test]
    fn spec_parsing() {
        let g = GenSpec::parse("accounts=10,owners=2,contacts=5", 7).unwrap();
        assert_eq!((g.accounts, g.owners, g.contacts, g.seed), (10, 2, 5, 7));
        assert!(GenSpec::parse("acounts=1", 1)
            .unwrap_err()
            .contains("unknown key 'acounts'"));
        assert!(GenSpec::parse("accounts=x", 1).is_err());
    }

    #[test]
    fn generation_is_deterministic() {
        let run = || {
            let mut org = Org::new(Arc::new(schema::standard()));
            let spec = GenSpec::parse("accounts=50,owners=3,contacts=40", 9).unwrap();
            generate(
                &mut org,
                &spec,
                &ApiUser {
                    username: "u@x",
                    organization_name: "O",
                },
            )
            .unwrap();
            let a = org.schema.object("Account").unwrap();
            org.tables[a]
                .values()
                .map(|r| format!("{:?}", r.values[1]))
                .collect::<Vec<_>>()
        };
        let one = run();
        assert_eq!(one.len(), 50);
        assert_eq!(one, run());
    }

    /// Stock OTRS's CheckEmailInvalidAddress, `@(example)\.(..|...)$` (case-insensitive).
    fn otrs_refuses(addr: &str) -> bool {
        let a = addr.to_ascii_lowercase();
        a.match_indices("@example.")
            .any(|(i, m)| matches!(a.len() - i - m.len(), 2 | 3))
    }

    #[test]
    fn generated_and_sample_addresses_pass_stock_otrs() {
        assert!(otrs_refuses("x@Example.COM") && otrs_refuses("x@example.de"));
        assert!(!otrs_refuses("x@acme.example") && !otrs_refuses("x@demo-crm.net"));
        let api = ApiUser {
            username: "u@x",
            organization_name: "O",
        };
        let emails = |org: &Org| {
            let mut out = Vec::new();
            for (oi, def) in org.schema.objects.iter().enumerate() {
                if let Some(e) = def.field("Email") {
                    out.extend(
                        org.tables[oi]
                            .values()
                            .filter_map(|r| r.values[e].as_str().map(str::to_string)),
                    );
                }
            }
            out
        };
        let mut org = Org::new(Arc::new(schema::standard()));
        let spec = GenSpec::parse("accounts=30,owners=8,contacts=60,leads=5", 3).unwrap();
        generate(&mut org, &spec, &api).unwrap();
        let generated = emails(&org);
        assert!(generated.len() > 60, "{generated:?}");
        for e in &generated {
            assert!(e.ends_with(&format!("@{MAIL_DOMAIN}")), "{e}");
        }
        let mut org = Org::new(Arc::new(schema::standard()));
        let text = include_str!("../data/sample.json");
        load(&mut org, text, &api).unwrap();
        for e in emails(&org) {
            assert!(!otrs_refuses(&e), "sample.json: OTRS refuses {e}");
        }
    }

    #[test]
    fn loader_errors_say_what_to_fix() {
        let api = ApiUser {
            username: "u@x",
            organization_name: "O",
        };
        let load_err = |text: &str| {
            let mut org = Org::new(Arc::new(schema::standard()));
            load(&mut org, text, &api).unwrap_err()
        };
        assert!(load_err("{").contains("not valid JSON"));
        assert!(load_err(r#"{"recs": {}}"#).contains("unknown top-level key 'recs'"));
        assert!(load_err(r#"{"records": {"Widget": []}}"#).contains("'Widget' cannot be loaded"));
        let e =
            load_err(r#"{"records": {"Account": [{"Name": "A", "OwnerId": "0055g00000NOONE"}]}}"#);
        assert!(e.contains("OwnerId refers to 0055g00000NOONE"), "{e}");
        let e = load_err(r#"{"records": {"Account": [{"Nme": "A"}]}}"#);
        assert!(
            e.contains("records.Account[0]") && e.contains("'Nme'"),
            "{e}"
        );
        let e =
            load_err(r#"{"records": {"Account": [{"Name": "A", "Id": "0015g00000ACC01AAA"}]}}"#);
        assert!(
            e.contains("MALFORMED_ID"),
            "a wrong checksum is refused: {e}"
        );
        let mut org = Org::new(Arc::new(schema::standard()));
        load(&mut org, r#"{"records": {"Account": [{"Name": "A", "Id": "0015g00000ACC01", "IsDeleted": true}]}}"#, &api).unwrap();
        let rec = org.get("0015g00000ACC01AAH").unwrap();
        assert!(rec.deleted_at.is_some());
    }
}
