//! The plan (ARCHITECTURE.md, "Plan (output)").

use serde_json::{json, Map, Value};

/// One write the Perl side performs.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Add a record: `values` holds every managed param and `ValidID`.
    Create {
        /// Apply phase (see [`Action::phase`]).
        phase: usize,
        id: String,
        values: Map<String, Value>,
        memberships_add: Vec<String>,
    },
    /// Change an existing record: only the params whose value differs.
    Update {
        /// Apply phase (see [`Action::phase`]).
        phase: usize,
        id: String,
        changes: Map<String, Value>,
        memberships_add: Vec<String>,
        memberships_remove: Vec<String>,
    },
    /// Set ValidID 2 (cleanup).
    Invalidate { id: String, reason: String },
    /// Remove the record (cleanup with action delete).
    Delete { id: String, reason: String },
}

impl Action {
    pub fn id(&self) -> &str {
        match self {
            Action::Create { id, .. }
            | Action::Update { id, .. }
            | Action::Invalidate { id, .. }
            | Action::Delete { id, .. } => id,
        }
    }

    /// Actions are applied in list order: phase 0 (cleanup), then phase
    /// 1, 2, ...: a create or update in phase n+1 takes a company name or
    /// e-mail that a record gives up in phase n. Almost every plan has
    /// only phases 0 and 1.
    pub fn phase(&self) -> usize {
        match self {
            Action::Create { phase, .. } | Action::Update { phase, .. } => *phase,
            Action::Invalidate { .. } | Action::Delete { .. } => 0,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Action::Create { .. } => 0,
            Action::Update { .. } => 1,
            Action::Invalidate { .. } => 2,
            Action::Delete { .. } => 3,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::Create { .. } => "create",
            Action::Update { .. } => "update",
            Action::Invalidate { .. } => "invalidate",
            Action::Delete { .. } => "delete",
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Action::Create {
                id,
                values,
                memberships_add,
                ..
            } => {
                json!({"action": "create", "id": id, "values": values, "memberships_add": memberships_add})
            }
            Action::Update {
                id,
                changes,
                memberships_add,
                memberships_remove,
                ..
            } => json!({"action": "update", "id": id, "changes": changes,
                        "memberships_add": memberships_add, "memberships_remove": memberships_remove}),
            Action::Invalidate { id, reason } => {
                json!({"action": "invalidate", "id": id, "reason": reason})
            }
            Action::Delete { id, reason } => {
                json!({"action": "delete", "id": id, "reason": reason})
            }
        }
    }
}

/// A Salesforce record that is not written, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// What cleanup (DeleteOld) decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cleanup {
    pub enabled: bool,
    pub ran: bool,
    pub reason: String,
    pub candidates: usize,
    pub synced: usize,
    pub share: f64,
    pub max_share: f64,
    pub refused: bool,
}

/// Fetch statistics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchStats {
    pub records: usize,
    pub pages: Option<usize>,
    pub api_calls: Option<u64>,
    pub complete: bool,
}

/// The plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub kind: String,
    pub soql: String,
    pub actions: Vec<Action>,
    pub skipped: Vec<Skip>,
    pub unchanged: usize,
    pub cleanup: Cleanup,
    pub fetch: FetchStats,
    /// Ids to add to / remove from the stored sync_invalidated list.
    pub sync_invalidated_add: Vec<String>,
    pub sync_invalidated_remove: Vec<String>,
    /// Things the admin should know that are not per record.
    pub notes: Vec<String>,
}

impl Plan {
    /// Sorts actions and skips by id, so the same input gives the same plan.
    pub(crate) fn finish(&mut self) {
        self.actions
            .sort_by(|a, b| (a.phase(), a.id(), a.rank()).cmp(&(b.phase(), b.id(), b.rank())));
        self.skipped
            .sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.reason.cmp(&b.reason)));
        self.sync_invalidated_add.sort();
        self.sync_invalidated_add.dedup();
        self.sync_invalidated_remove.sort();
        self.sync_invalidated_remove.dedup();
    }

    pub fn count(&self, action: &str) -> usize {
        self.actions.iter().filter(|a| a.name() == action).count()
    }

    /// Number of OTRS writes the plan asks for (actions; an update with
    /// only membership changes counts once).
    pub fn writes(&self) -> usize {
        self.actions.len()
    }

    pub fn to_json(&self) -> Value {
        let c = &self.cleanup;
        json!({
            "kind": self.kind,
            "soql": self.soql,
            "actions": self.actions.iter().map(Action::to_json).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| json!({"id": s.id, "name": s.name, "reason": s.reason})).collect::<Vec<_>>(),
            "unchanged": self.unchanged,
            "cleanup": {
                "enabled": c.enabled, "ran": c.ran, "reason": c.reason, "candidates": c.candidates,
                "synced": c.synced, "share": c.share, "max_share": c.max_share, "refused": c.refused,
            },
            "counts": {
                "create": self.count("create"), "update": self.count("update"), "unchanged": self.unchanged,
                "invalidate": self.count("invalidate"), "delete": self.count("delete"), "skip": self.skipped.len(),
            },
            "fetch": {
                "records": self.fetch.records, "pages": self.fetch.pages, "api_calls": self.fetch.api_calls,
                "complete": self.fetch.complete,
            },
            "sync_invalidated": {"add": self.sync_invalidated_add, "remove": self.sync_invalidated_remove},
            "notes": self.notes,
        })
    }
}
