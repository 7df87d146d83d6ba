//! The org's object model: the standard objects a customer sync touches,
//! their fields (name, type, length, references) and relationships.

use std::collections::HashMap;

/// Field types, named as `describeSObject` names them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FType {
    Id,
    Str,
    TextArea,
    Email,
    Phone,
    Url,
    Picklist,
    Bool,
    Int,
    Double,
    Currency,
    Date,
    DateTime,
    Reference,
    /// compound address, built from `{prefix}Street`, `{prefix}City`, ...
    Address,
}

impl FType {
    /// The `type` value of describe output.
    pub fn describe_name(self) -> &'static str {
        match self {
            FType::Id => "id",
            FType::Str => "string",
            FType::TextArea => "textarea",
            FType::Email => "email",
            FType::Phone => "phone",
            FType::Url => "url",
            FType::Picklist => "picklist",
            FType::Bool => "boolean",
            FType::Int => "int",
            FType::Double => "double",
            FType::Currency => "currency",
            FType::Date => "date",
            FType::DateTime => "datetime",
            FType::Reference => "reference",
            FType::Address => "address",
        }
    }

    /// The `soapType` value of describe output.
    pub fn soap_type(self) -> &'static str {
        match self {
            FType::Id | FType::Reference => "tns:ID",
            FType::Address => "urn:address",
            FType::Bool => "xsd:boolean",
            FType::Int => "xsd:int",
            FType::Double | FType::Currency => "xsd:double",
            FType::Date => "xsd:date",
            FType::DateTime => "xsd:dateTime",
            _ => "xsd:string",
        }
    }

    /// Text-like types compare case-insensitively and take quoted literals.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FType::Str
                | FType::TextArea
                | FType::Email
                | FType::Phone
                | FType::Url
                | FType::Picklist
        )
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, FType::Int | FType::Double | FType::Currency)
    }
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    pub ftype: FType,
    pub length: u32,
    pub reference_to: Option<String>,
    pub relationship_name: Option<String>,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub required: bool,
    pub external_id: bool,
    pub custom: bool,
    pub name_field: bool,
    pub picklist: Vec<&'static str>,
}

#[derive(Clone, Debug)]
pub struct ChildRel {
    pub name: String,
    pub child: String,
    pub field: String,
}

#[derive(Clone, Debug)]
pub struct ObjectDef {
    pub name: String,
    pub label: String,
    pub label_plural: String,
    pub key_prefix: String,
    pub fields: Vec<FieldDef>,
    pub by_lower: HashMap<String, usize>,
    /// lower-case relationship name -> index of the reference field
    pub rel_by_lower: HashMap<String, usize>,
    pub children: Vec<ChildRel>,
    pub createable: bool,
    pub replicateable: bool,
    pub has_is_deleted: bool,
}

impl ObjectDef {
    /// For a compound address field: the indexes of its parts, in the order
    /// city, country, postalCode, state, street (None where the object lacks one).
    pub fn address_parts(&self, fidx: usize) -> [Option<usize>; 5] {
        let name = &self.fields[fidx].name;
        let prefix = name.strip_suffix("Address").unwrap_or("");
        let street = if prefix.is_empty() {
            "Street".to_string()
        } else {
            format!("{prefix}Street")
        };
        [
            self.field(&format!("{prefix}City")),
            self.field(&format!("{prefix}Country")),
            self.field(&format!("{prefix}PostalCode")),
            self.field(&format!("{prefix}State")),
            self.field(&street),
        ]
    }

    pub fn field(&self, name: &str) -> Option<usize> {
        self.by_lower.get(&name.to_ascii_lowercase()).copied()
    }

    pub fn relationship(&self, name: &str) -> Option<usize> {
        self.rel_by_lower.get(&name.to_ascii_lowercase()).copied()
    }

    pub fn child(&self, name: &str) -> Option<&ChildRel> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn id_idx(&self) -> usize {
        0
    }
}

#[derive(Debug)]
pub struct Schema {
    pub objects: Vec<ObjectDef>,
    by_lower: HashMap<String, usize>,
    by_prefix: HashMap<String, usize>,
}

impl Schema {
    pub fn object(&self, name: &str) -> Option<usize> {
        self.by_lower.get(&name.to_ascii_lowercase()).copied()
    }

    pub fn by_prefix(&self, id: &str) -> Option<usize> {
        id.get(0..3).and_then(|p| self.by_prefix.get(p).copied())
    }

    pub fn def(&self, idx: usize) -> &ObjectDef {
        &self.objects[idx]
    }
}

/// Builder shorthand.
struct B {
    fields: Vec<FieldDef>,
}

impl B {
    fn new() -> B {
        let mut b = B { fields: Vec::new() };
        b.push("Id", "Record ID", FType::Id, 18);
        let f = b.last();
        f.nillable = false;
        f.createable = false;
        f.updateable = false;
        b
    }

    fn push(&mut self, name: &str, label: &str, ftype: FType, length: u32) -> &mut Self {
        self.fields.push(FieldDef {
            name: name.to_string(),
            label: label.to_string(),
            ftype,
            length,
            reference_to: None,
            relationship_name: None,
            nillable: true,
            createable: true,
            updateable: true,
            required: false,
            external_id: false,
            custom: false,
            name_field: false,
            picklist: Vec::new(),
        });
        self
    }

    fn last(&mut self) -> &mut FieldDef {
        let n = self.fields.len() - 1;
        &mut self.fields[n]
    }

    fn s(&mut self, name: &str, label: &str, len: u32) -> &mut Self {
        self.push(name, label, FType::Str, len)
    }

    fn t(&mut self, name: &str, label: &str, ftype: FType, len: u32) -> &mut Self {
        self.push(name, label, ftype, len)
    }

    fn required(&mut self) -> &mut Self {
        let f = self.last();
        f.required = true;
        f.nillable = false;
        self
    }

    fn readonly(&mut self) -> &mut Self {
        let f = self.last();
        f.createable = false;
        f.updateable = false;
        self
    }

    fn pick(&mut self, values: &[&'static str]) -> &mut Self {
        self.last().picklist = values.to_vec();
        self
    }

    fn reference(&mut self, name: &str, label: &str, to: &str, rel: &str) -> &mut Self {
        self.push(name, label, FType::Reference, 18);
        let f = self.last();
        f.reference_to = Some(to.to_string());
        f.relationship_name = Some(rel.to_string());
        self
    }

    fn name_field(&mut self) -> &mut Self {
        self.last().name_field = true;
        self
    }

    fn audit(&mut self, deletable: bool) -> &mut Self {
        if deletable {
            self.t("IsDeleted", "Deleted", FType::Bool, 0).readonly();
            self.last().nillable = false;
        }
        self.t("CreatedDate", "Created Date", FType::DateTime, 0)
            .readonly();
        self.reference("CreatedById", "Created By ID", "User", "CreatedBy")
            .readonly();
        self.t("LastModifiedDate", "Last Modified Date", FType::DateTime, 0)
            .readonly();
        self.reference(
            "LastModifiedById",
            "Last Modified By ID",
            "User",
            "LastModifiedBy",
        )
        .readonly();
        self.t("SystemModstamp", "System Modstamp", FType::DateTime, 0)
            .readonly();
        self
    }
}

#[allow(clippy::too_many_arguments)]
fn object(
    name: &str,
    label: &str,
    plural: &str,
    prefix: &str,
    b: B,
    children: &[(&str, &str, &str)],
    createable: bool,
) -> ObjectDef {
    let mut by_lower = HashMap::new();
    let mut rel_by_lower = HashMap::new();
    for (i, f) in b.fields.iter().enumerate() {
        by_lower.insert(f.name.to_ascii_lowercase(), i);
        if let Some(r) = &f.relationship_name {
            rel_by_lower.insert(r.to_ascii_lowercase(), i);
        }
    }
    let has_is_deleted = by_lower.contains_key("isdeleted");
    ObjectDef {
        name: name.to_string(),
        label: label.to_string(),
        label_plural: plural.to_string(),
        key_prefix: prefix.to_string(),
        fields: b.fields,
        by_lower,
        rel_by_lower,
        children: children
            .iter()
            .map(|(n, c, f)| ChildRel {
                name: n.to_string(),
                child: c.to_string(),
                field: f.to_string(),
            })
            .collect(),
        createable,
        replicateable: true,
        has_is_deleted,
    }
}

const INDUSTRIES: &[&str] = &[
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
    "Other",
];
const ACCOUNT_TYPES: &[&str] = &[
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
];

/// The standard schema of the fake org.
pub fn standard() -> Schema {
    let mut objects = Vec::new();

    let mut b = B::new();
    b.s("Username", "Username", 80).required();
    b.s("LastName", "Last Name", 80).required();
    b.s("FirstName", "First Name", 40);
    b.s("Name", "Full Name", 121).readonly().name_field();
    b.s("CompanyName", "Company Name", 80);
    b.s("Division", "Division", 80);
    b.s("Department", "Department", 80);
    b.s("Title", "Title", 80);
    b.t("Street", "Street", FType::TextArea, 255);
    b.s("City", "City", 40);
    b.s("State", "State/Province", 80);
    b.s("PostalCode", "Zip/Postal Code", 20);
    b.s("Country", "Country", 80);
    b.t("Address", "Address", FType::Address, 0).readonly();
    b.t("Email", "Email", FType::Email, 128).required();
    b.t("Phone", "Phone", FType::Phone, 40);
    b.t("MobilePhone", "Mobile", FType::Phone, 40);
    b.s("Alias", "Alias", 8);
    b.t("IsActive", "Active", FType::Bool, 0);
    b.last().nillable = false;
    b.t("TimeZoneSidKey", "Time Zone", FType::Picklist, 40);
    b.t("LocaleSidKey", "Locale", FType::Picklist, 40);
    b.t("LanguageLocaleKey", "Language", FType::Picklist, 40);
    b.s("EmployeeNumber", "Employee Number", 20);
    b.reference("ManagerId", "Manager ID", "User", "Manager");
    b.audit(false);
    objects.push(object("User", "User", "Users", "005", b, &[], true));

    let mut b = B::new();
    b.s("Name", "Account Name", 255).required().name_field();
    b.t("Type", "Account Type", FType::Picklist, 255)
        .pick(ACCOUNT_TYPES);
    b.reference("ParentId", "Parent Account ID", "Account", "Parent");
    b.t("BillingStreet", "Billing Street", FType::TextArea, 255);
    b.s("BillingCity", "Billing City", 40);
    b.s("BillingState", "Billing State/Province", 80);
    b.s("BillingPostalCode", "Billing Zip/Postal Code", 20);
    b.s("BillingCountry", "Billing Country", 80);
    b.t("BillingAddress", "Billing Address", FType::Address, 0)
        .readonly();
    b.t("Phone", "Account Phone", FType::Phone, 40);
    b.t("Fax", "Account Fax", FType::Phone, 40);
    b.s("AccountNumber", "Account Number", 40);
    b.t("Website", "Website", FType::Url, 255);
    b.t("Industry", "Industry", FType::Picklist, 255)
        .pick(INDUSTRIES);
    b.t("AnnualRevenue", "Annual Revenue", FType::Currency, 0);
    b.t("NumberOfEmployees", "Employees", FType::Int, 0);
    b.t("Description", "Account Description", FType::TextArea, 32000);
    b.reference("OwnerId", "Owner ID", "User", "Owner");
    b.s("External_Id__c", "External Id", 255);
    {
        let f = b.last();
        f.external_id = true;
        f.custom = true;
    }
    b.audit(true);
    objects.push(object(
        "Account",
        "Account",
        "Accounts",
        "001",
        b,
        &[
            ("Contacts", "Contact", "AccountId"),
            (
                "AccountContactRelations",
                "AccountContactRelation",
                "AccountId",
            ),
            ("Opportunities", "Opportunity", "AccountId"),
            ("ChildAccounts", "Account", "ParentId"),
        ],
        true,
    ));

    let mut b = B::new();
    b.reference("AccountId", "Account ID", "Account", "Account");
    b.s("LastName", "Last Name", 80).required();
    b.s("FirstName", "First Name", 40);
    b.t("Salutation", "Salutation", FType::Picklist, 40)
        .pick(&["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]);
    b.s("Name", "Full Name", 121).readonly().name_field();
    b.t("MailingStreet", "Mailing Street", FType::TextArea, 255);
    b.s("MailingCity", "Mailing City", 40);
    b.s("MailingState", "Mailing State/Province", 80);
    b.s("MailingPostalCode", "Mailing Zip/Postal Code", 20);
    b.s("MailingCountry", "Mailing Country", 80);
    b.t("MailingAddress", "Mailing Address", FType::Address, 0)
        .readonly();
    b.t("Phone", "Business Phone", FType::Phone, 40);
    b.t("MobilePhone", "Mobile Phone", FType::Phone, 40);
    b.t("Fax", "Business Fax", FType::Phone, 40);
    b.t("Email", "Email", FType::Email, 80);
    b.s("Title", "Title", 128);
    b.s("Department", "Department", 80);
    b.t("Birthdate", "Birthdate", FType::Date, 0);
    b.t("Description", "Contact Description", FType::TextArea, 32000);
    b.reference("OwnerId", "Owner ID", "User", "Owner");
    b.audit(true);
    objects.push(object(
        "Contact",
        "Contact",
        "Contacts",
        "003",
        b,
        &[(
            "AccountContactRelations",
            "AccountContactRelation",
            "ContactId",
        )],
        true,
    ));

    let mut b = B::new();
    b.reference("AccountId", "Account ID", "Account", "Account")
        .required();
    b.reference("ContactId", "Contact ID", "Contact", "Contact")
        .required();
    b.t("Roles", "Roles", FType::Picklist, 4099).pick(&[
        "Business User",
        "Decision Maker",
        "Economic Buyer",
        "Technical Buyer",
        "Other",
    ]);
    b.t("IsDirect", "Direct", FType::Bool, 0).readonly();
    b.last().nillable = false;
    b.t("IsActive", "Active", FType::Bool, 0);
    b.last().nillable = false;
    b.t("StartDate", "Start Date", FType::Date, 0);
    b.t("EndDate", "End Date", FType::Date, 0);
    b.audit(true);
    objects.push(object(
        "AccountContactRelation",
        "Account Contact Relationship",
        "Account Contact Relationship",
        "07k",
        b,
        &[],
        true,
    ));

    let mut b = B::new();
    b.s("LastName", "Last Name", 80).required();
    b.s("FirstName", "First Name", 40);
    b.s("Name", "Full Name", 121).readonly().name_field();
    b.s("Company", "Company", 255).required();
    b.s("Title", "Title", 128);
    b.t("Email", "Email", FType::Email, 80);
    b.t("Phone", "Phone", FType::Phone, 40);
    b.s("City", "City", 40);
    b.s("Country", "Country", 80);
    b.t("Status", "Lead Status", FType::Picklist, 255).pick(&[
        "Open - Not Contacted",
        "Working - Contacted",
        "Closed - Converted",
        "Closed - Not Converted",
    ]);
    b.t("IsConverted", "Converted", FType::Bool, 0).readonly();
    b.last().nillable = false;
    b.t("ConvertedDate", "Converted Date", FType::Date, 0)
        .readonly();
    b.reference(
        "ConvertedAccountId",
        "Converted Account ID",
        "Account",
        "ConvertedAccount",
    )
    .readonly();
    b.reference(
        "ConvertedContactId",
        "Converted Contact ID",
        "Contact",
        "ConvertedContact",
    )
    .readonly();
    b.reference(
        "ConvertedOpportunityId",
        "Converted Opportunity ID",
        "Opportunity",
        "ConvertedOpportunity",
    )
    .readonly();
    b.reference("OwnerId", "Owner ID", "User", "Owner");
    b.audit(true);
    objects.push(object("Lead", "Lead", "Leads", "00Q", b, &[], true));

    let mut b = B::new();
    b.reference("AccountId", "Account ID", "Account", "Account");
    b.s("Name", "Name", 120).required().name_field();
    b.t("StageName", "Stage", FType::Picklist, 255)
        .required()
        .pick(&["Prospecting", "Qualification", "Closed Won", "Closed Lost"]);
    b.t("CloseDate", "Close Date", FType::Date, 0).required();
    b.t("Amount", "Amount", FType::Currency, 0);
    b.reference("OwnerId", "Owner ID", "User", "Owner");
    b.audit(true);
    objects.push(object(
        "Opportunity",
        "Opportunity",
        "Opportunities",
        "006",
        b,
        &[],
        true,
    ));

    let mut b = B::new();
    b.s("Name", "Name", 80).readonly().name_field();
    b.s("Country", "Country", 80).readonly();
    b.t("OrganizationType", "Edition", FType::Picklist, 255)
        .readonly();
    b.s("InstanceName", "Instance Name", 5).readonly();
    b.t("IsSandbox", "Is Sandbox", FType::Bool, 0).readonly();
    b.t("LanguageLocaleKey", "Language", FType::Picklist, 40)
        .readonly();
    b.t("TimeZoneSidKey", "Default Time Zone", FType::Picklist, 40)
        .readonly();
    b.t("CreatedDate", "Created Date", FType::DateTime, 0)
        .readonly();
    b.t("LastModifiedDate", "Last Modified Date", FType::DateTime, 0)
        .readonly();
    b.t("SystemModstamp", "System Modstamp", FType::DateTime, 0)
        .readonly();
    let mut org = object(
        "Organization",
        "Organization",
        "Organizations",
        "00D",
        b,
        &[],
        false,
    );
    org.replicateable = false;
    objects.push(org);

    let mut by_lower = HashMap::new();
    let mut by_prefix = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        by_lower.insert(o.name.to_ascii_lowercase(), i);
        by_prefix.insert(o.key_prefix.clone(), i);
    }
    Schema {
        objects,
        by_lower,
        by_prefix,
    }
}
