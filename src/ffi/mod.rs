//! The C ABI. (Stub.)
