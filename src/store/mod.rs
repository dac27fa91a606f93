//! The storage engines, each implementing the domain's ports (`crate::domain::storage`): SQLite,
//! the default, and PostgreSQL, for replicas. They speak in domain entities and never know HTTP;
//! each maps its own constraint violations to `StoreError`, so the domain sees the same answers
//! whatever the engine. The SQL both engines build the same way is written once, in `sql`.

pub mod postgres;
mod sql;
pub mod sqlite;
