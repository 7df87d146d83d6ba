//! SOAP codec (stub, being written)
