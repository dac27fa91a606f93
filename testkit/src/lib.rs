//! What pinbox's tests share, kept out of the server: the store contract every engine is held
//! to, the checker of JSON answers against Pinterest's OpenAPI description, a maker of small
//! MP4/MOV files, and a PostgreSQL schema per test.

pub mod contract;
pub mod mp4;
pub mod openapi;
pub mod pg;
