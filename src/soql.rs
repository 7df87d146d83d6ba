//! SOQL quoting and building. (Stub.)
