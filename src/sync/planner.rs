//! The planning rules. Linear in records: every lookup is a hash map keyed
//! by the lower-cased id, login, e-mail or company name.

use super::ids::{
    email_syntax_ok, glob_match, looks_like_account_id, sf_datetime_to_otrs, to_id18, Ci,
};
use super::output::{Action, Cleanup, FetchStats, Plan, Skip};
use super::record::SfRecord;
use super::spec::{
    CleanupAction, Kind, LoginField, Mode, Piece, Spec, P_CUSTOMER_ID, P_EMAIL, P_FIRST, P_LAST,
    P_NAME_C,
};
use super::state::{OtrsRecord, OtrsState};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// A (ContactId, AccountId) row of AccountContactRelation.
pub type Relation = (String, String);

/// Plans from compact records. `records` are aligned with `spec.paths`,
/// `otrs.records[*].values` with `spec.params`.
pub fn plan_records(
    spec: &Spec,
    records: &[SfRecord],
    relations: &[Relation],
    otrs: &OtrsState,
    fetch: FetchStats,
) -> Plan {
    let mut ctx = Ctx::new(spec, otrs);
    ctx.plan.kind = spec.kind.name().to_string();
    ctx.plan.fetch = fetch;
    let complete = ctx.plan.fetch.complete;
    // Candidates first (that fixes what Salesforce returned), then cleanup
    // (a deleted record frees its name / e-mail), then the uniqueness of
    // names / e-mails, then the diff.
    let (candidates, key_param) = match spec.kind {
        Kind::Companies => (ctx.companies(records), P_NAME_C),
        Kind::Customers => {
            let persons = match spec.settings.mode {
                Mode::AccountOwner => ctx.owners(records),
                Mode::Contact => ctx.contacts(records, relations),
            };
            (ctx.users(persons), P_EMAIL)
        }
    };
    let deleted = ctx.cleanup(complete);
    ctx.resolve_and_diff(candidates, key_param, &deleted);
    ctx.stale_sync_invalidated();
    let mut plan = ctx.plan;
    plan.finish();
    plan
}

struct Ctx<'a> {
    spec: &'a Spec,
    otrs: &'a OtrsState,
    /// Lower-cased OTRS id -> index into otrs.records.
    by_id: HashMap<Ci<'a>, usize>,
    /// OTRS records whose id differs only in case from an earlier one:
    /// never planned.
    shadowed: Vec<bool>,
    /// Lower-cased ids (companies) or logins (users) Salesforce returned.
    returned: HashSet<String>,
    plan: Plan,
}

/// A Salesforce record that passed its own checks and waits for the
/// uniqueness check (company name / e-mail) and the diff.
struct Candidate<'r> {
    /// CustomerID / UserLogin.
    id: String,
    /// Company name, or the person's Salesforce Name (skip reports).
    name: String,
    values: Vec<Val<'r>>,
    /// Users: (memberships, primary customer id).
    memberships: Option<(Vec<String>, String)>,
    existing: Option<usize>,
}

/// A Salesforce person about to become a customer user.
struct Person<'r> {
    login: String,
    /// The Salesforce Name (owner or contact), for skip reports.
    name: String,
    values: Vec<Val<'r>>,
    memberships: Vec<String>,
    /// The Salesforce id (for the "is this OTRS login ours" test).
    sf_id: String,
}

fn lc(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// A value of a param: borrowed from the Salesforce record where it can be.
type Val<'r> = Option<Cow<'r, str>>;

fn is_blank(v: &Val<'_>) -> bool {
    // Perl treats "" and "0" as false: OTRS refuses them for required params.
    v.as_deref()
        .map_or(true, |s| s.trim().is_empty() || s == "0")
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a Spec, otrs: &'a OtrsState) -> Ctx<'a> {
        let mut by_id: HashMap<Ci, usize> = HashMap::with_capacity(otrs.records.len());
        let mut shadowed = vec![false; otrs.records.len()];
        let mut plan = Plan::default();
        let id_key = match spec.kind {
            Kind::Companies => "CustomerID",
            Kind::Customers => "UserLogin",
        };
        for (i, r) in otrs.records.iter().enumerate() {
            // Ids differing only in case are one record for OTRS (it looks
            // them up case-insensitively): the first listed is planned, the
            // others are left alone (see OtrsState). Exact duplicates are
            // refused by OtrsState::from_json; from the typed API they are
            // treated the same way.
            match by_id.entry(Ci(r.id.as_str())) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(e) => {
                    shadowed[i] = true;
                    let first = &otrs.records[*e.get()].id;
                    plan.notes.push(format!(
                        "OTRS holds {id_key} '{}' and '{first}', which differ only in case; OTRS looks them up case-insensitively, so only '{first}' (listed first) is planned and '{}' is left alone: rename or remove one of them",
                        r.id, r.id
                    ));
                }
            }
        }
        Ctx {
            spec,
            otrs,
            by_id,
            shadowed,
            returned: HashSet::new(),
            plan,
        }
    }

    fn skip(&mut self, id: &str, name: &str, reason: impl Into<String>) {
        self.plan.skipped.push(Skip {
            id: id.to_string(),
            name: name.to_string(),
            reason: reason.into(),
        });
    }

    /// Record indices with a usable Id, sorted by the 18-character Id.
    /// Records without one are skipped with a reason.
    fn sorted_ids(&mut self, records: &[SfRecord]) -> Vec<(String, usize)> {
        let i_id = self.spec.at("Id");
        let i_name = self.spec.at("Name");
        let mut order = Vec::with_capacity(records.len());
        for (n, rec) in records.iter().enumerate() {
            match rec.get(i_id).and_then(to_id18) {
                Some(id) => order.push((id, n)),
                None => {
                    let raw = rec.get(i_id).unwrap_or("").to_string();
                    let name = rec.get(i_name).unwrap_or("").to_string();
                    self.skip(
                        &raw,
                        &name,
                        "no valid Salesforce Id (15 or 18 letters and digits)",
                    );
                }
            }
        }
        // By Id; a record returned twice (it should not be) is ordered by
        // content, so the plan does not depend on the fetch order.
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| records[a.1].cmp(&records[b.1])));
        order
    }

    /// Missing required params and values longer than their OTRS column.
    fn check_values(&self, values: &[Val<'_>], required: usize) -> Option<String> {
        for (i, v) in values.iter().enumerate().take(required) {
            if is_blank(v) {
                let param = &self.spec.params[i];
                let source = match self.spec.param_src[i] {
                    Some(src) => format!(" (Salesforce {} is empty)", self.spec.paths[src]),
                    None => String::new(),
                };
                return Some(format!("missing required field {param}{source}"));
            }
        }
        for (i, v) in values.iter().enumerate() {
            let param = &self.spec.params[i];
            if let (Some(v), Some(max)) =
                (v, self.spec.settings.column_length(self.spec.kind, param))
            {
                let len = v.chars().count();
                if len > max {
                    return Some(format!(
                        "{param} is {len} characters long, the OTRS column holds {max} (not truncated)"
                    ));
                }
            }
        }
        None
    }

    /// The mapped attributes. Salesforce datetimes become OTRS's
    /// `YYYY-MM-DD hh:mm:ss` (UTC; see [`sf_datetime_to_otrs`]), so they
    /// compare equal to what OTRS stored.
    fn attribute_values<'r>(&self, rec: &'r SfRecord, values: &mut Vec<Val<'r>>) {
        for i in values.len()..self.spec.params.len() {
            values.push(
                self.spec.param_src[i]
                    .and_then(|src| rec.get(src))
                    .map(|v| match sf_datetime_to_otrs(v) {
                        Some(otrs) => Cow::Owned(otrs),
                        None => Cow::Borrowed(v),
                    }),
            );
        }
    }

    // ---------------------------------------------------------------- companies

    /// The company name NameFormat makes for `rec`. A name longer than the
    /// OTRS column is shortened to fit: the longest fields other than the Id
    /// are cut and end in "…", the text and `{Id}` stay (so memberships and
    /// the name's uniqueness still work); the full length comes back too.
    fn company_name(&self, rec: &SfRecord, id: &str) -> (String, Option<usize>) {
        let i_id = self.spec.at("Id");
        let mut parts: Vec<(String, bool)> = self
            .spec
            .name_format
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => (t.clone(), false),
                Piece::Field(f) if *f == i_id => (id.to_string(), false),
                Piece::Field(f) => (rec.get(*f).unwrap_or("").to_string(), true),
            })
            .collect();
        let length =
            |parts: &[(String, bool)]| parts.iter().map(|p| p.0.chars().count()).sum::<usize>();
        let full = length(&parts);
        let max = self
            .spec
            .settings
            .column_length(Kind::Companies, "CustomerCompanyName")
            .unwrap_or(usize::MAX);
        while length(&parts) > max {
            let over = length(&parts) - max;
            let Some(longest) = parts
                .iter()
                .enumerate()
                .filter(|(_, p)| p.1 && p.0.chars().count() > 1)
                .max_by_key(|(_, p)| p.0.chars().count())
                .map(|(i, _)| i)
            else {
                break; // only text and Id left: check_values skips it
            };
            let part = &mut parts[longest];
            let keep = part.0.chars().count().saturating_sub(over + 1);
            part.0 = part
                .0
                .chars()
                .take(keep)
                .collect::<String>()
                .trim_end()
                .to_string()
                + "…";
            part.1 = false;
        }
        let name: String = parts.into_iter().map(|p| p.0).collect();
        let shortened = (full > max && name.chars().count() <= max).then_some(full);
        (name, shortened)
    }

    fn companies<'r>(&mut self, records: &'r [SfRecord]) -> Vec<Candidate<'r>> {
        let spec = self.spec;
        let i_name = spec.at("Name");
        let order = self.sorted_ids(records);
        let mut out = Vec::with_capacity(order.len());
        for (id, n) in order {
            let rec = &records[n];
            let account_name = rec.get(i_name).unwrap_or("");
            if !self.returned.insert(lc(&id)) {
                self.skip(&id, account_name, "returned twice by Salesforce");
                continue;
            }
            if spec.settings.valid_data && account_name.starts_with('*') {
                self.skip(
                    &id,
                    account_name,
                    "names starting with * are excluded (ValidData)",
                );
                continue;
            }
            let name = match self.company_name(rec, &id) {
                (name, Some(full_length)) => {
                    self.plan.notes.push(format!(
                        "Account {id}: the company name is {full_length} characters long, the OTRS column holds {}; it was shortened to \"{name}\"",
                        spec.settings
                            .column_length(Kind::Companies, "CustomerCompanyName")
                            .unwrap_or(0)
                    ));
                    name
                }
                (name, None) => name,
            };
            let mut values: Vec<Val<'r>> = vec![
                Some(Cow::Owned(id.clone())),
                Some(Cow::<str>::Owned(name.clone())).filter(|n| !n.trim().is_empty()),
            ];
            self.attribute_values(rec, &mut values);
            if let Some(reason) = self.check_values(&values, 2) {
                self.skip(&id, &name, reason);
                continue;
            }
            let existing = self.by_id.get(&Ci(&id)).copied();
            out.push(Candidate {
                id,
                name,
                values,
                memberships: None,
                existing,
            });
        }
        out
    }

    // ---------------------------------------------------------------- people

    fn owners<'r>(&mut self, records: &'r [SfRecord]) -> Vec<Person<'r>> {
        let spec = self.spec;
        let (i_name, i_owner_id, i_owner_id2) =
            (spec.at("Name"), spec.at("OwnerId"), spec.at("Owner.Id"));
        let i_owner_name = spec.at("Owner.Name");
        let order = self.sorted_ids(records);
        // Owner id -> (first account record, memberships).
        let mut owners: HashMap<String, (usize, Vec<String>)> = HashMap::new();
        let mut owner_order: Vec<String> = Vec::new();
        for (account_id, n) in order {
            let rec = &records[n];
            let Some(owner) = rec
                .get(i_owner_id)
                .or_else(|| rec.get(i_owner_id2))
                .and_then(to_id18)
            else {
                let reason = "Account has no owner (OwnerId is empty)";
                self.skip(&account_id, rec.get(i_name).unwrap_or(""), reason);
                continue;
            };
            let entry = owners.entry(owner.clone()).or_insert_with(|| {
                owner_order.push(owner.clone());
                (n, Vec::new())
            });
            let account_name = rec.get(i_name).unwrap_or("");
            if !(spec.settings.valid_data && account_name.starts_with('*')) {
                entry.1.push(account_id);
            }
        }
        let mut persons = Vec::with_capacity(owner_order.len());
        for owner in owner_order {
            let Some((n, mut memberships)) = owners.remove(&owner) else {
                continue;
            };
            let rec = &records[n];
            self.returned.insert(lc(&owner));
            let owner_name = rec.get(i_owner_name).unwrap_or("");
            if spec.settings.valid_data && owner_name.starts_with('*') {
                self.skip(
                    &owner,
                    owner_name,
                    "names starting with * are excluded (ValidData)",
                );
                continue;
            }
            memberships.dedup();
            let mut values = vec![
                Some(Cow::Owned(owner.clone())),
                spec.param_src[P_FIRST]
                    .and_then(|s| rec.get(s))
                    .map(Cow::Borrowed),
                spec.param_src[P_LAST]
                    .and_then(|s| rec.get(s))
                    .map(Cow::Borrowed),
                spec.param_src[P_EMAIL]
                    .and_then(|s| rec.get(s))
                    .map(Cow::Borrowed),
                Some(Cow::Owned(spec.settings.default_customer_id.clone())),
            ];
            self.attribute_values(rec, &mut values);
            persons.push(Person {
                name: owner_name.to_string(),
                login: owner.clone(),
                sf_id: owner,
                values,
                memberships,
            });
        }
        persons
    }

    fn contacts<'r>(&mut self, records: &'r [SfRecord], relations: &[Relation]) -> Vec<Person<'r>> {
        let spec = self.spec;
        let (i_name, i_account) = (spec.at("Name"), spec.at("AccountId"));
        let mut related: HashMap<&str, Vec<&str>> = HashMap::new();
        for (contact, account) in relations {
            related
                .entry(contact.as_str())
                .or_default()
                .push(account.as_str());
        }
        let order = self.sorted_ids(records);
        let mut persons: Vec<Person> = Vec::with_capacity(order.len());
        let mut logins: HashMap<String, String> = HashMap::with_capacity(order.len());
        self.returned.reserve(order.len());
        for (id, n) in order {
            let rec = &records[n];
            let contact_name = rec.get(i_name).unwrap_or("");
            let email = spec.param_src[P_EMAIL].and_then(|s| rec.get(s));
            let login = match spec.settings.login_field {
                LoginField::Id => id.clone(),
                LoginField::Email => match email {
                    Some(e) => e.trim().to_ascii_lowercase(),
                    None => {
                        let reason = "no Email, and the login is the Email (login_field Email)";
                        self.skip(&id, contact_name, reason);
                        continue;
                    }
                },
            };
            let key = lc(&login);
            if let Some(first) = logins.get(&key) {
                let reason = if spec.settings.login_field == LoginField::Email {
                    format!(
                        "duplicate email: Contact {first} has the same Email, which is the login"
                    )
                } else {
                    "returned twice by Salesforce".to_string()
                };
                self.skip(&id, contact_name, reason);
                continue;
            }
            logins.insert(key.clone(), id.clone());
            self.returned.insert(key);
            if spec.settings.valid_data && contact_name.starts_with('*') {
                self.skip(
                    &id,
                    contact_name,
                    "names starting with * are excluded (ValidData)",
                );
                continue;
            }
            let primary = match rec.get(i_account).and_then(to_id18) {
                Some(account) => account,
                None => spec.settings.default_customer_id.clone(),
            };
            let mut memberships: Vec<String> = related
                .get(id.as_str())
                .map(|accounts| {
                    accounts
                        .iter()
                        .filter_map(|a| to_id18(a))
                        .filter(|a| *a != primary)
                        .collect()
                })
                .unwrap_or_default();
            memberships.sort_unstable();
            memberships.dedup();
            let mut values = vec![
                Some(Cow::Owned(login.clone())),
                spec.param_src[P_FIRST]
                    .and_then(|s| rec.get(s))
                    .map(Cow::Borrowed),
                spec.param_src[P_LAST]
                    .and_then(|s| rec.get(s))
                    .map(Cow::Borrowed),
                email.map(Cow::Borrowed),
                Some(Cow::Owned(primary)),
            ];
            self.attribute_values(rec, &mut values);
            persons.push(Person {
                name: contact_name.to_string(),
                login,
                sf_id: id,
                values,
                memberships,
            });
        }
        persons
    }

    /// Whether an existing OTRS user with the login of a Salesforce person
    /// was made by this sync (or may be taken over by it).
    fn login_is_ours(&self, person: &Person<'_>, user: &OtrsRecord) -> bool {
        // A login that is the person's own Salesforce id is ours by
        // construction; nobody types such logins by hand.
        if user.id.eq_ignore_ascii_case(&person.sf_id) {
            return true;
        }
        // Email logins: the sync's users have a Salesforce Account id (or
        // the DefaultCustomerID) as their customer id; a hand-made user
        // with the same e-mail login is not taken over.
        let primary = user
            .values
            .get(P_CUSTOMER_ID)
            .and_then(|s| s.as_ref())
            .and_then(|v| v.as_deref());
        primary.is_some_and(|p| {
            looks_like_account_id(p) || p == self.spec.settings.default_customer_id
        }) || user.customer_ids.iter().any(|c| looks_like_account_id(c))
    }

    fn users<'r>(&mut self, mut persons: Vec<Person<'r>>) -> Vec<Candidate<'r>> {
        persons.sort_unstable_by(|a, b| a.login.cmp(&b.login));
        // 1. Per-person checks.
        let mut ok: Vec<Person<'r>> = Vec::with_capacity(persons.len());
        for p in persons {
            let reason = if let Some(reason) = self.check_values(&p.values, 5) {
                Some(reason)
            } else if !p.values[P_EMAIL].as_deref().is_some_and(email_syntax_ok) {
                Some(format!(
                    "invalid e-mail address '{}' (syntax)",
                    p.values[P_EMAIL].as_deref().unwrap_or("")
                ))
            } else if p.login.chars().count() > 100 && !p.memberships.is_empty() {
                Some(
                    "login longer than 100 characters cannot hold company memberships in OTRS"
                        .to_string(),
                )
            } else {
                match self.by_id.get(&Ci(&p.login)) {
                    Some(&u) if !self.login_is_ours(&p, &self.otrs.records[u]) => Some(format!(
                        "login {} is taken by an OTRS customer user that this sync did not create",
                        self.otrs.records[u].id
                    )),
                    _ => None,
                }
            };
            match reason {
                Some(reason) => self.skip(&p.login, &display_name(&p.name, &p.values), reason),
                None => ok.push(p),
            }
        }
        ok.into_iter()
            .map(|p| {
                let existing = self.by_id.get(&Ci(&p.login)).copied();
                let primary = p.values[P_CUSTOMER_ID]
                    .as_deref()
                    .unwrap_or_default()
                    .to_string();
                Candidate {
                    id: p.login,
                    name: p.name,
                    values: p.values,
                    memberships: Some((p.memberships, primary)),
                    existing,
                }
            })
            .collect()
    }

    // ---------------------------------------------------------------- uniqueness

    /// OTRS keeps company names unique (a UNIQUE index) and refuses a
    /// customer user whose new e-mail another user has (invalid users
    /// included); both compared case-insensitively here. A candidate whose
    /// name / e-mail is new or changes may take it only when no other OTRS
    /// record holds it and no earlier candidate took it. A record that gives
    /// its value up in this plan (renamed, e-mail changed, deleted by
    /// cleanup) frees it for a candidate placed in a later phase; actions
    /// are listed in phase order, so applying them in list order never
    /// breaks a constraint. Candidates left waiting (e.g. two records that
    /// swap names) are skipped with a reason. Linear: every candidate is
    /// handled once per wake-up, through a heap ordered by (phase, id).
    fn resolve_and_diff(
        &mut self,
        candidates: Vec<Candidate<'_>>,
        key_param: usize,
        deleted: &HashSet<usize>,
    ) {
        use std::cmp::Reverse;
        let otrs = self.otrs;
        fn key_of(v: Option<&str>) -> Option<Ci<'_>> {
            v.map(str::trim).filter(|s| !s.is_empty()).map(Ci)
        }
        let current = |u: usize| {
            key_of(
                otrs.records[u]
                    .values
                    .get(key_param)
                    .and_then(|s| s.as_ref())
                    .and_then(|v| v.as_deref()),
            )
        };
        // Number of OTRS records holding each key and not giving it up.
        let mut holders: HashMap<Ci, u32> = HashMap::with_capacity(otrs.records.len());
        let mut released = vec![false; otrs.records.len()];
        for (u, gone) in released.iter_mut().enumerate() {
            if deleted.contains(&u) {
                *gone = true;
            } else if let Some(k) = current(u) {
                *holders.entry(k).or_default() += 1;
            }
        }
        let keys: Vec<Option<Ci>> = candidates
            .iter()
            .map(|c| key_of(c.values[key_param].as_deref()))
            .collect();
        let mut phase_of: Vec<Option<usize>> = vec![None; candidates.len()];
        let mut claimed: HashMap<Ci, usize> = HashMap::with_capacity(candidates.len());
        let mut waiting: HashMap<Ci, Vec<usize>> = HashMap::new();
        let mut heap: std::collections::BinaryHeap<Reverse<(usize, usize)>> =
            std::collections::BinaryHeap::new();
        let mut reasons: Vec<Option<String>> = vec![None; candidates.len()];
        let mut old_keys: Vec<Option<Ci>> = vec![None; candidates.len()];
        for (c, cand) in candidates.iter().enumerate() {
            old_keys[c] = cand.existing.and_then(current);
            match keys[c] {
                // Keeps its value (or has none to check): no constraint.
                Some(k) if cand.existing.is_some() && old_keys[c] == Some(k) => {
                    phase_of[c] = Some(1);
                    claimed.entry(k).or_insert(c);
                }
                None => phase_of[c] = Some(1),
                Some(_) => heap.push(Reverse((1, c))),
            }
        }
        while let Some(Reverse((phase, c))) = heap.pop() {
            let Some(key) = keys[c] else {
                continue;
            };
            if let Some(&other) = claimed.get(&key) {
                reasons[c] =
                    Some(self.dup_reason(&candidates[c].values[key_param], &candidates[other].id));
                continue;
            }
            // A pending candidate's own record does not hold its new key
            // (pending = new, or the key changes), so any holder blocks.
            if holders.get(&key).is_some_and(|&n| n > 0) {
                waiting.entry(key).or_default().push(c);
                continue;
            }
            phase_of[c] = Some(phase);
            claimed.insert(key, c);
            // Giving up the old value wakes whoever waits for it.
            if let (Some(u), Some(old)) = (candidates[c].existing, old_keys[c]) {
                released[u] = true;
                if let Some(n) = holders.get_mut(&old) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        for w in waiting.remove(&old).unwrap_or_default() {
                            heap.push(Reverse((phase + 1, w)));
                        }
                    }
                }
            }
        }
        // For the skip reasons: the smallest OTRS id still holding each key
        // a candidate waits for.
        let mut holder_of: HashMap<Ci, &str> = HashMap::new();
        if !waiting.is_empty() {
            for (u, r) in otrs.records.iter().enumerate() {
                if released[u] {
                    continue;
                }
                let Some(k) = current(u) else { continue };
                if let Some((&wk, _)) = waiting.get_key_value(&k) {
                    let entry = holder_of.entry(wk).or_insert(r.id.as_str());
                    if r.id.as_str() < *entry {
                        *entry = r.id.as_str();
                    }
                }
            }
        }
        for (c, cand) in candidates.iter().enumerate() {
            match phase_of[c] {
                Some(phase) => {
                    let memberships = cand
                        .memberships
                        .as_ref()
                        .map(|(m, p)| (m.as_slice(), p.as_str()));
                    self.diff(&cand.id, &cand.values, cand.existing, memberships, phase);
                }
                None => {
                    let reason = match reasons[c].take() {
                        Some(r) => r,
                        None => {
                            let holder = keys[c]
                                .and_then(|key| holder_of.get(&key).copied())
                                .unwrap_or("");
                            self.held_reason(&cand.values[key_param], holder)
                        }
                    };
                    let display = match self.spec.kind {
                        Kind::Companies => cand.name.clone(),
                        Kind::Customers => display_name(&cand.name, &cand.values),
                    };
                    self.skip(&cand.id, &display, reason);
                }
            }
        }
    }

    fn dup_reason(&self, value: &Val<'_>, other: &str) -> String {
        let value = value.as_deref().unwrap_or("");
        match self.spec.kind {
            Kind::Companies => {
                format!("company name '{value}' is also produced by Salesforce Account {other} (names are unique in OTRS)")
            }
            Kind::Customers => format!(
                "duplicate email: Salesforce person {other} has the same e-mail address '{value}'"
            ),
        }
    }

    fn held_reason(&self, value: &Val<'_>, holder: &str) -> String {
        let value = value.as_deref().unwrap_or("");
        match self.spec.kind {
            Kind::Companies => {
                format!("company name '{value}' is already used by OTRS company {holder} (names are unique in OTRS)")
            }
            Kind::Customers => {
                format!("duplicate email: the e-mail address '{value}' is used by OTRS customer user {holder}")
            }
        }
    }

    // ---------------------------------------------------------------- diff

    /// Compares the wanted values with the OTRS record and adds a create,
    /// an update or counts it unchanged.
    fn diff(
        &mut self,
        id: &str,
        values: &[Val<'_>],
        existing: Option<usize>,
        memberships: Option<(&[String], &str)>,
        phase: usize,
    ) {
        let spec = self.spec;
        let to_value = |v: &Val<'_>| {
            v.as_ref()
                .map_or(Value::Null, |s| Value::String(s.to_string()))
        };
        let Some(u) = existing else {
            let mut map = Map::new();
            for (param, v) in spec.params.iter().zip(values) {
                map.insert(param.clone(), to_value(v));
            }
            map.insert("ValidID".into(), Value::from(1));
            self.plan.actions.push(Action::Create {
                phase,
                id: id.to_string(),
                values: map,
                memberships_add: memberships.map(|(m, _)| m.to_vec()).unwrap_or_default(),
            });
            return;
        };
        let record = &self.otrs.records[u];
        let mut changes = Map::new();
        // Index 0 is the identity (CustomerID / UserLogin): never renamed.
        for ((param, wanted), current) in spec.params.iter().zip(values).zip(&record.values).skip(1)
        {
            let Some(current) = current else {
                continue; // the OTRS map does not have this param
            };
            if current.as_deref() != wanted.as_deref() {
                changes.insert(param.clone(), to_value(wanted));
            }
        }
        if record.valid_id == 2 {
            if let Some(stored) = self.otrs.sync_invalidated.get(&lc(&record.id)) {
                changes.insert("ValidID".into(), Value::from(1));
                self.plan.sync_invalidated_remove.push(stored.clone());
            } else if spec.settings.revalidate_manual {
                changes.insert("ValidID".into(), Value::from(1));
            }
        }
        let (mut add, mut remove) = (Vec::new(), Vec::new());
        if let Some((wanted, primary)) = memberships {
            let have = Lookup::new(&record.customer_ids);
            let want = Lookup::new(wanted);
            add = wanted
                .iter()
                .filter(|m| !have.contains(m))
                .cloned()
                .collect();
            remove = record
                .customer_ids
                .iter()
                .filter(|c| looks_like_account_id(c) && !want.contains(c) && c.as_str() != primary)
                .cloned()
                .collect();
            remove.sort_unstable();
            remove.dedup();
        }
        if changes.is_empty() && add.is_empty() && remove.is_empty() {
            self.plan.unchanged += 1;
        } else {
            self.plan.actions.push(Action::Update {
                phase,
                id: record.id.clone(),
                changes,
                memberships_add: add,
                memberships_remove: remove,
            });
        }
    }

    // ---------------------------------------------------------------- cleanup

    /// Decides cleanup; returns the OTRS records it deletes.
    fn cleanup(&mut self, complete: bool) -> HashSet<usize> {
        let mut deleted = HashSet::new();
        let s = &self.spec.settings;
        let mut c = Cleanup {
            enabled: !s.delete_old.is_empty(),
            max_share: s.cleanup_max_share,
            ..Cleanup::default()
        };
        if !c.enabled {
            c.reason = "DeleteOld is empty: cleanup is off".into();
        } else if s.limit.is_some() {
            c.reason =
                "Limit in force: cleanup needs a fetch of everything the query selects".into();
        } else if !complete {
            c.reason = "fetch incomplete: cleanup needs a complete, error-free fetch".into();
        } else {
            let mut candidates: Vec<(usize, &OtrsRecord)> = Vec::new();
            for (u, r) in self.otrs.records.iter().enumerate() {
                if self.shadowed[u] {
                    continue;
                }
                if glob_match(&s.delete_old, &r.id) {
                    c.synced += 1;
                    if r.valid_id == 1 && !self.returned.contains(&lc(&r.id)) {
                        candidates.push((u, r));
                    }
                }
            }
            c.candidates = candidates.len();
            c.share = if c.synced == 0 {
                0.0
            } else {
                c.candidates as f64 / c.synced as f64
            };
            if c.share > c.max_share && !s.force {
                c.refused = true;
                c.reason = format!(
                    "{} of {} records matching DeleteOld '{}' ({:.1}%) are no longer returned by Salesforce, more than the allowed {:.1}%: nothing invalidated or deleted (check the Where setting, then use --force)",
                    c.candidates,
                    c.synced,
                    s.delete_old,
                    c.share * 100.0,
                    c.max_share * 100.0
                );
            } else {
                c.ran = true;
                c.reason = format!(
                    "{} of {} records matching DeleteOld '{}' are no longer returned by Salesforce",
                    c.candidates, c.synced, s.delete_old
                );
                let gone = format!(
                    "no longer returned by Salesforce (DeleteOld '{}')",
                    s.delete_old
                );
                for (u, r) in candidates {
                    let referenced = self.spec.kind == Kind::Companies
                        && self.otrs.referenced.contains(&lc(&r.id));
                    match s.cleanup_action {
                        CleanupAction::Delete if !referenced => {
                            deleted.insert(u);
                            self.plan.actions.push(Action::Delete {
                                id: r.id.clone(),
                                reason: gone.clone(),
                            })
                        }
                        action => {
                            let reason = if action == CleanupAction::Delete {
                                format!("{gone}; still referenced by tickets or customer users, so invalidated instead of deleted")
                            } else {
                                gone.clone()
                            };
                            self.plan.actions.push(Action::Invalidate {
                                id: r.id.clone(),
                                reason,
                            });
                            self.plan.sync_invalidated_add.push(r.id.clone());
                        }
                    }
                }
            }
        }
        self.plan.cleanup = c;
        deleted
    }

    /// Entries of sync_invalidated whose record is gone or no longer
    /// invalid (made valid by hand, or by this plan) are dropped.
    fn stale_sync_invalidated(&mut self) {
        if self.otrs.sync_invalidated.is_empty() {
            return;
        }
        let adding: HashSet<String> = self
            .plan
            .sync_invalidated_add
            .iter()
            .map(|s| lc(s))
            .collect();
        for (key, stored) in &self.otrs.sync_invalidated {
            let stale = match self.by_id.get(&Ci(key)) {
                None => true,
                Some(&u) => self.otrs.records[u].valid_id != 2,
            };
            if stale && !adding.contains(key) {
                self.plan.sync_invalidated_remove.push(stored.clone());
            }
        }
    }
}

/// Membership test: a scan for the usual handful, a hash set for owners
/// of thousands of Accounts (keeps the diff linear).
enum Lookup<'a> {
    Scan(&'a [String]),
    Set(HashSet<&'a str>),
}

impl<'a> Lookup<'a> {
    fn new(items: &'a [String]) -> Lookup<'a> {
        if items.len() <= 16 {
            Lookup::Scan(items)
        } else {
            Lookup::Set(items.iter().map(String::as_str).collect())
        }
    }

    fn contains(&self, item: &str) -> bool {
        match self {
            Lookup::Scan(items) => items.iter().any(|i| i == item),
            Lookup::Set(set) => set.contains(item),
        }
    }
}

fn display_name(name: &str, values: &[Val<'_>]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for v in [&values[P_FIRST], &values[P_LAST]].into_iter().flatten() {
        parts.push(v);
    }
    let mut out = if parts.is_empty() {
        name.to_string()
    } else {
        parts.join(" ")
    };
    if let Some(e) = &values[P_EMAIL] {
        out.push_str(&format!(" <{e}>"));
    }
    out
}
