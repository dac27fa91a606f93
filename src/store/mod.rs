//! The storage engines, each implementing the domain's ports (`crate::domain::storage`): SQLite,
//! the default, and PostgreSQL, for replicas. They speak in domain entities and never know HTTP;
//! each maps its own constraint violations to `StoreError`, so the domain sees the same answers
//! whatever the engine.

pub mod postgres;
pub mod sqlite;
