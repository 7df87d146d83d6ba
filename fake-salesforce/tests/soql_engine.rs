//! The SOQL engine, tested as a library against the sample org.

use fake_salesforce::gen::{self, ApiUser};
use fake_salesforce::schema;
use fake_salesforce::soql::{compile, execute, Rows};
use fake_salesforce::store::{Org, Value};
use std::sync::Arc;

fn org() -> Org {
    let mut org = Org::new(Arc::new(schema::standard()));
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.json")).unwrap();
    gen::load(
        &mut org,
        &text,
        &ApiUser {
            username: "api@example.com",
            organization_name: "Test",
        },
    )
    .unwrap();
    org
}

/// Values of the first output column (top-level field) for each row.
fn col(org: &Org, q: &str, field: &str) -> Vec<Value> {
    let c = compile(&org.schema, q).unwrap_or_else(|e| panic!("{q}: {}", e.message));
    let rs = execute(org, &c, false);
    let def = org.schema.def(c.obj);
    let fi = def.field(field).unwrap();
    match rs.rows {
        Rows::Records(r) => r.iter().map(|r| r.values[fi].clone()).collect(),
        _ => panic!("not records"),
    }
}

fn names(org: &Org, q: &str) -> Vec<String> {
    col(org, q, "Name")
        .into_iter()
        .map(|v| v.as_str().unwrap_or("<null>").to_string())
        .collect()
}

fn count(org: &Org, q: &str) -> usize {
    let c = compile(&org.schema, q).unwrap_or_else(|e| panic!("{q}: {}", e.message));
    execute(org, &c, false).len()
}

fn err(org: &Org, q: &str) -> (String, String) {
    let e = compile(&org.schema, q)
        .err()
        .unwrap_or_else(|| panic!("{q} should fail"));
    (e.code.to_string(), e.message)
}

#[test]
fn where_operators() {
    let o = org();
    assert_eq!(count(&o, "SELECT Id FROM Account"), 11);
    assert_eq!(
        names(&o, "SELECT Name FROM Account WHERE Name = 'acme gmbh'"),
        ["Acme GmbH"],
        "= is case-insensitive"
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE Name != 'Acme GmbH'"),
        10
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE Name <> 'Acme GmbH'"),
        10
    );
    assert_eq!(
        names(&o, "SELECT Name FROM Account WHERE Name LIKE '*%'"),
        ["*Old Test Account (do not sync)"]
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE NOT Name LIKE '*%'"),
        10
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE Name LIKE '%gmbh%'"),
        1
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE BillingCountry IN ('Germany', 'denmark')"
        ),
        4
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE BillingCountry NOT IN ('Germany')"
        ),
        7,
        "NOT IN drops nulls"
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE BillingCountry = null"),
        1
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE BillingCountry != null"),
        10
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE Owner.IsActive = false"),
        1
    );
    assert_eq!(count(&o, "SELECT Id FROM Account WHERE Owner.LastName = 'Müller' AND (Type = 'Prospect' OR Type = 'Other')"), 2);
    assert_eq!(count(&o, "SELECT Id FROM Account WHERE (Owner.LastName = 'Müller' AND Type = 'Prospect') OR Type = 'Other'"), 2);
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE NumberOfEmployees > 100"),
        1
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE NumberOfEmployees <= 100"),
        0
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE CreatedDate < 2024-01-01T00:00:00Z"
        ),
        1
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE CreatedDate >= 2024-01-01T00:00:00.000+00:00"
        ),
        10
    );
    assert_eq!(
        count(&o, "SELECT Id FROM Account WHERE CreatedDate = TODAY"),
        10
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE LastModifiedDate = LAST_N_DAYS:3"
        ),
        10
    );
    assert_eq!(
        count(&o, "SELECT Id FROM User WHERE Id = '0055g00000OWN01'"),
        1,
        "15-char ids match"
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Contact WHERE Account.Owner.Email LIKE 'anna%'"
        ),
        7
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email = null)"
        ),
        2
    );
    assert_eq!(
        count(
            &o,
            "SELECT Id FROM Account WHERE Account.Name = 'Acme GmbH'"
        ),
        1,
        "own object prefix"
    );
    assert_eq!(
        count(&o, "SELECT a.Id FROM Account a WHERE a.Name = 'Acme GmbH'"),
        1,
        "alias"
    );
}

#[test]
fn order_limit_offset() {
    let o = org();
    let n = names(
        &o,
        "SELECT Name FROM Account WHERE BillingCountry = 'Germany' ORDER BY Name DESC",
    );
    assert_eq!(n.len(), 3);
    assert!(n[0].starts_with("Kunde mit sehr langem Namen"));
    assert_eq!(n[1..], ["Bäckerei Schäfer & Söhne KG", "Acme GmbH"]);
    let cities = col(
        &o,
        "SELECT Id, BillingCity FROM Account ORDER BY BillingCity NULLS LAST, Name LIMIT 20",
        "BillingCity",
    );
    assert!(cities.last().unwrap().is_null() && !cities[0].is_null());
    let cities = col(
        &o,
        "SELECT Id, BillingCity FROM Account ORDER BY BillingCity",
        "BillingCity",
    );
    assert!(cities[0].is_null(), "ASC puts nulls first");
    let all = names(&o, "SELECT Name FROM Account ORDER BY Name");
    assert_eq!(
        names(
            &o,
            "SELECT Name FROM Account ORDER BY Name LIMIT 3 OFFSET 2"
        ),
        all[2..5].to_vec()
    );
    assert_eq!(
        count(
            &o,
            "SELECT COUNT() FROM Account WHERE Owner.LastName = 'Müller'"
        ),
        5
    );
}

#[test]
fn aggregates() {
    let o = org();
    let c = compile(&o.schema, "SELECT Owner.LastName, COUNT(Id) cnt, MAX(Name) FROM Account GROUP BY Owner.LastName ORDER BY cnt DESC").unwrap();
    let rs = execute(&o, &c, false);
    let Rows::Aggregate(rows) = rs.rows else {
        panic!()
    };
    assert_eq!(
        rows[0][0],
        ("LastName".to_string(), Value::Str("Müller".into()))
    );
    assert_eq!(rows[0][1], ("cnt".to_string(), Value::Int(5)));
    assert_eq!(rows[0][2].0, "expr0");
    let c = compile(&o.schema, "SELECT COUNT(Id), COUNT(Email) FROM Contact").unwrap();
    let Rows::Aggregate(rows) = execute(&o, &c, false).rows else {
        panic!()
    };
    assert_eq!(
        rows,
        vec![vec![
            ("expr0".to_string(), Value::Int(15)),
            ("expr1".to_string(), Value::Int(13))
        ]]
    );
}

#[test]
fn child_subqueries() {
    let o = org();
    let c = compile(&o.schema, "SELECT Name, (SELECT LastName FROM Contacts WHERE Email != null ORDER BY LastName LIMIT 2) FROM Account WHERE Name = 'Acme GmbH'").unwrap();
    let rs = execute(&o, &c, false);
    let Rows::Records(rows) = &rs.rows else {
        panic!()
    };
    let kids = rs.children[0].get(&rows[0].id).unwrap();
    let ln = o.schema.def(kids[0].obj).field("LastName").unwrap();
    let got: Vec<_> = kids
        .iter()
        .map(|k| k.values[ln].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["Dubois", "Einkauf"]);
}

#[test]
fn errors_match_salesforce() {
    let o = org();
    let (code, msg) = err(&o, "SELECT Id, Nmae FROM Account");
    assert_eq!(code, "INVALID_FIELD");
    assert!(msg.starts_with("\nSELECT Id, Nmae FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Nmae' on entity 'Account'."), "{msg}");
    let (code, msg) = err(&o, "SELECT Id FROM Acount");
    assert_eq!(code, "INVALID_TYPE");
    assert!(msg.contains("sObject type 'Acount' is not supported."));
    let (code, msg) = err(&o, "SELECT Ownr.Name FROM Account");
    assert_eq!(code, "INVALID_FIELD");
    assert!(msg.contains("Didn't understand relationship 'Ownr' in field path."));
    let (code, _) = err(&o, "SELECT Name, (SELECT Id FROM Contactz) FROM Account");
    assert_eq!(code, "INVALID_TYPE");
    assert_eq!(err(&o, "SELECT FROM Account").0, "MALFORMED_QUERY");
    assert_eq!(err(&o, "SELECT Id FROM Account WHERE").0, "MALFORMED_QUERY");
    assert_eq!(
        err(&o, "SELECT Id FROM Account WHERE Name = 'x").0,
        "MALFORMED_QUERY"
    );
    assert_eq!(
        err(&o, "SELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3").0,
        "MALFORMED_QUERY"
    );
    assert_eq!(err(&o, "SELECT Id, Id FROM Account").0, "MALFORMED_QUERY");
    let (code, msg) = err(&o, "SELECT Id FROM Account WHERE Name = 5");
    assert_eq!(code, "INVALID_FIELD");
    assert!(msg.contains("must be of type string and should be enclosed in quotes"));
    assert!(err(&o, "SELECT Id FROM Account WHERE IsDeleted = 'true'")
        .1
        .contains("must be of type boolean"));
    assert_eq!(
        err(&o, "SELECT Id FROM Account WHERE Id = 'xyz'").0,
        "INVALID_QUERY_FILTER_OPERATOR"
    );
    assert_eq!(
        err(&o, "SELECT Name, COUNT(Id) FROM Account").0,
        "MALFORMED_QUERY"
    );
    assert_eq!(
        err(&o, "SELECT Id FROM Account OFFSET 2001").0,
        "NUMBER_OUTSIDE_VALID_RANGE"
    );
}
