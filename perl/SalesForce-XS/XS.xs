/*
 * SalesForce::XS - thin XS binding of the Rust library sfclient
 * (include/sfclient.h). Strings in, strings out; errors croak with a
 * SalesForce::XS::Error object, built only after every Rust buffer and
 * error object has been freed (croak longjmps).
 *
 * Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors.
 * License: AGPL-3.0-or-later.
 */
#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include "sfclient.h"

#define ERROR_CLASS "SalesForce::XS::Error"

/* Copies everything out of `err` into a new blessed SalesForce::XS::Error
 * hash, then frees `err`. Returns a new reference (refcount 1). */
static SV *S_error_object(pTHX_ sf_result rc, sf_error *err) {
    HV *hv = newHV();
    const char *name = err ? sf_error_name(err) : NULL;
    const char *message = err ? sf_error_message(err) : NULL;
    const char *sf_code = err ? sf_error_sf_code(err) : NULL;
    const char *context = err ? sf_error_context(err) : NULL;
    unsigned int status = err ? (unsigned int)sf_error_http_status(err) : 0;

    (void)hv_stores(hv, "code", newSVuv((UV)rc));
    (void)hv_stores(hv, "name", newSVpv(name ? name : "UNKNOWN", 0));
    (void)hv_stores(hv, "message",
                    message ? newSVpvn_utf8(message, strlen(message), 1)
                            : newSVpvs("(the library gave no error details)"));
    (void)hv_stores(hv, "sf_code", sf_code ? newSVpv(sf_code, 0) : newSV(0));
    (void)hv_stores(hv, "http_status", status ? newSVuv(status) : newSV(0));
    (void)hv_stores(hv, "context", newSVpvn_utf8(context ? context : "", context ? strlen(context) : 0, 1));

    sf_error_free(err); /* everything above was copied */
    return sv_bless(newRV_noinc((SV *)hv), gv_stashpvs(ERROR_CLASS, GV_ADD));
}

/* Croaks with the error object; frees `err` first. Never returns. */
static void S_croak_error(pTHX_ sf_result rc, sf_error *err) {
    SV *obj = S_error_object(aTHX_ rc, err);
    croak_sv(sv_2mortal(obj));
}

/* UTF-8 bytes of a Perl string argument (characters, as Perl sees text).
 * Does not change the caller's scalar. Croaks on undef. */
static const char *S_utf8_arg(pTHX_ SV *sv, STRLEN *len, const char *what) {
    SV *copy;
    SvGETMAGIC(sv);
    if (!SvOK(sv)) {
        croak("SalesForce::XS: %s is undef; pass a string", what);
    }
    if (SvPOK(sv) && SvUTF8(sv)) {
        return SvPV_nomg(sv, *len);
    }
    /* Upgrade a copy: the caller's scalar stays as it is. */
    copy = sv_newmortal();
    sv_setsv_nomg(copy, sv);
    return SvPVutf8(copy, *len);
}

/* Copies a result buffer into a new UTF-8 Perl string, then frees it. */
static SV *S_take_buf(pTHX_ sf_buf *buf) {
    SV *sv = newSVpvn_utf8(sf_buf_data(buf), sf_buf_len(buf), 1);
    sf_buf_free(buf);
    return sv;
}

/* The handle inside a SalesForce::XS object, or NULL once freed. */
static sf_client *S_client_of(pTHX_ SV *self, const char *func) {
    if (!(SvROK(self) && sv_derived_from(self, "SalesForce::XS"))) {
        croak("%s: Not a SalesForce::XS instance", func);
    }
    return INT2PTR(sf_client *, SvIV(SvRV(self)));
}

/* The handle inside a SalesForce::XS::Query object ([0]: the handle, [1]:
 * its client, kept alive by the query), or NULL once freed. */
static AV *S_query_av(pTHX_ SV *self, const char *func) {
    if (!(SvROK(self) && sv_derived_from(self, "SalesForce::XS::Query") && SvTYPE(SvRV(self)) == SVt_PVAV)) {
        croak("%s: Not a SalesForce::XS::Query instance", func);
    }
    return (AV *)SvRV(self);
}

static sf_query *S_query_of(pTHX_ AV *av) {
    SV **slot = av_fetch(av, 0, 0);
    return slot ? INT2PTR(sf_query *, SvIV(*slot)) : NULL;
}

MODULE = SalesForce::XS    PACKAGE = SalesForce::XS

PROTOTYPES: DISABLE

SV *
new(class, config)
    const char *class
    SV *config
  PREINIT:
    STRLEN len;
    const char *text;
    sf_client *client = NULL;
    sf_error *err = NULL;
    sf_result rc;
  CODE:
    text = S_utf8_arg(aTHX_ config, &len, "the configuration");
    rc = sf_client_new(text, len, &client, &err);
    if (rc != SF_RESULT_OK) {
        S_croak_error(aTHX_ rc, err);
    }
    RETVAL = newSV(0);
    sv_setref_pv(RETVAL, class, (void *)client);
  OUTPUT:
    RETVAL

SV *
call_json(client, method, args)
    sf_client *client
    SV *method
    SV *args
  PREINIT:
    STRLEN method_len, args_len;
    const char *method_text;
    const char *args_text;
    sf_buf *out = NULL;
    sf_error *err = NULL;
    sf_result rc;
  CODE:
    method_text = S_utf8_arg(aTHX_ method, &method_len, "the method name");
    args_text = S_utf8_arg(aTHX_ args, &args_len, "the JSON arguments");
    rc = sf_client_call(client, method_text, method_len, args_text, args_len, &out, &err);
    if (rc != SF_RESULT_OK) {
        S_croak_error(aTHX_ rc, err);
    }
    RETVAL = S_take_buf(aTHX_ out);
  OUTPUT:
    RETVAL

SV *
query_open_json(self, args)
    SV *self
    SV *args
  PREINIT:
    STRLEN args_len;
    const char *args_text;
    sf_client *client;
    sf_query *query = NULL;
    sf_error *err = NULL;
    sf_result rc;
    AV *av;
  CODE:
    client = S_client_of(aTHX_ self, "SalesForce::XS::query_open_json");
    if (!client) {
        croak("SalesForce::XS::query_open_json: the SalesForce::XS client has already been freed (DESTROY ran)");
    }
    args_text = S_utf8_arg(aTHX_ args, &args_len, "the JSON arguments");
    rc = sf_query_open(client, args_text, args_len, &query, &err);
    if (rc != SF_RESULT_OK) {
        S_croak_error(aTHX_ rc, err);
    }
    av = newAV();
    av_push(av, newSViv(PTR2IV(query)));
    av_push(av, newSVsv(self)); /* the client lives as long as the query */
    RETVAL = sv_bless(newRV_noinc((SV *)av), gv_stashpvs("SalesForce::XS::Query", GV_ADD));
  OUTPUT:
    RETVAL

SV *
plan_json(input)
    SV *input
  PREINIT:
    STRLEN len;
    const char *text;
    sf_buf *out = NULL;
    sf_error *err = NULL;
    sf_result rc;
  CODE:
    text = S_utf8_arg(aTHX_ input, &len, "the planner input");
    rc = sf_plan(text, len, &out, &err);
    if (rc != SF_RESULT_OK) {
        S_croak_error(aTHX_ rc, err);
    }
    RETVAL = S_take_buf(aTHX_ out);
  OUTPUT:
    RETVAL

const char *
version()
  CODE:
    RETVAL = sf_version();
  OUTPUT:
    RETVAL

bool
is_freed(self)
    SV *self
  CODE:
    RETVAL = S_client_of(aTHX_ self, "SalesForce::XS::is_freed") == NULL;
  OUTPUT:
    RETVAL

void
DESTROY(self)
    SV *self
  PREINIT:
    sf_client *client;
  CODE:
    /* Frees the handle once: the pointer is cleared before the free, so a
     * second DESTROY (or an explicit call) is a no-op. */
    if (SvROK(self)) {
        client = INT2PTR(sf_client *, SvIV(SvRV(self)));
        if (client) {
            sv_setiv(SvRV(self), 0);
            sf_client_free(client);
        }
    }

MODULE = SalesForce::XS    PACKAGE = SalesForce::XS::Query

SV *
next_json(self)
    SV *self
  PREINIT:
    AV *av;
    SV **client_sv;
    sf_query *query;
    sf_client *client;
    sf_buf *out = NULL;
    sf_error *err = NULL;
    sf_result rc;
  CODE:
    av = S_query_av(aTHX_ self, "SalesForce::XS::Query::next_json");
    query = S_query_of(aTHX_ av);
    if (!query) {
        croak("SalesForce::XS::Query::next_json: the query has already been freed (DESTROY ran)");
    }
    client_sv = av_fetch(av, 1, 0);
    client = client_sv ? S_client_of(aTHX_ *client_sv, "SalesForce::XS::Query::next_json") : NULL;
    if (!client) {
        croak("SalesForce::XS::Query::next_json: its SalesForce::XS client has already been freed");
    }
    rc = sf_query_next(query, client, &out, &err);
    if (rc != SF_RESULT_OK) {
        S_croak_error(aTHX_ rc, err);
    }
    RETVAL = out ? S_take_buf(aTHX_ out) : newSV(0);
  OUTPUT:
    RETVAL

void
DESTROY(self)
    SV *self
  PREINIT:
    AV *av;
    sf_query *query;
  CODE:
    /* Frees the handle once, as SalesForce::XS::DESTROY does. */
    if (SvROK(self) && SvTYPE(SvRV(self)) == SVt_PVAV) {
        av = (AV *)SvRV(self);
        query = S_query_of(aTHX_ av);
        if (query) {
            sv_setiv(*av_fetch(av, 0, 0), 0);
            sf_query_free(query);
        }
    }
