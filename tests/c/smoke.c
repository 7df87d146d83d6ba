/*
 * tests/c/smoke.c - C smoke test of libsfclient through include/sfclient.h.
 *
 * Usage: smoke CONFIG_JSON_FILE
 *   CONFIG_JSON_FILE holds a client configuration for a running fake
 *   Salesforce org (tests/c/run.sh starts the fake and writes it).
 *
 * Makes a client, logs in, runs a query, plans a tiny input, exercises the
 * error paths (NULL pointers, bad UTF-8, bad JSON, unknown method), and
 * frees everything exactly once, so that valgrind sees no leak and no
 * invalid access. Prints "N passed, N failed" and exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfclient.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* Prints an error's fields (to stderr, as a C caller would log it). */
static void show_error(const char *what, const sf_error *err) {
    const char *sf_code = sf_error_sf_code(err);
    fprintf(stderr, "  %s -> %s (%u)%s%s http=%u context=\"%s\": %s\n", what, sf_error_name(err),
            (unsigned)sf_error_code(err), sf_code ? " " : "", sf_code ? sf_code : "",
            (unsigned)sf_error_http_status(err), sf_error_context(err), sf_error_message(err));
}

/* Runs a call method; returns the status, fills *out or *err. */
static sf_result call(sf_client *client, const char *method, const char *args, sf_buf **out,
                      sf_error **err) {
    return sf_client_call(client, method, strlen(method), args, strlen(args), out, err);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *data = NULL;
    size_t cap = 0;
    size_t used = 0;
    for (;;) {
        if (used + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *bigger = realloc(data, cap);
            if (!bigger) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = bigger;
        }
        size_t n = fread(data + used, 1, cap - used, f);
        used += n;
        if (n == 0) {
            break;
        }
    }
    fclose(f);
    *len = used;
    return data;
}

static void test_without_server(void) {
    sf_error *err = NULL;
    sf_buf *buf = NULL;
    sf_client *client = (sf_client *)0x1; /* sentinel: must stay untouched */

    CHECK(sf_version() != NULL && strlen(sf_version()) > 0, "version");
    CHECK(sf_version() == sf_version(), "version is one static string");

    /* NULL pointers */
    CHECK(sf_client_new(NULL, 2, &client, &err) == SF_RESULT_NULL_PARAMETER, "NULL config");
    CHECK(client == (sf_client *)0x1, "*out untouched on error");
    CHECK(err != NULL && sf_error_code(err) == SF_RESULT_NULL_PARAMETER, "error object filled");
    CHECK(err != NULL && strcmp(sf_error_name(err), "NULL_PARAMETER") == 0, "name");
    CHECK(err != NULL && strstr(sf_error_message(err), "config") != NULL, "message names config");
    if (err) {
        show_error("sf_client_new(NULL)", err);
    }
    sf_error_free(err);
    err = NULL;
    CHECK(sf_client_new("{}", 2, NULL, NULL) == SF_RESULT_NULL_PARAMETER, "NULL out, NULL err");
    CHECK(sf_client_call(NULL, "login", 5, "{}", 2, &buf, &err) == SF_RESULT_NULL_PARAMETER,
          "NULL client");
    CHECK(buf == NULL, "no buffer on error");
    sf_error_free(err);
    err = NULL;
    CHECK(sf_plan(NULL, 0, &buf, &err) == SF_RESULT_NULL_PARAMETER, "NULL plan input");
    sf_error_free(err);
    err = NULL;

    /* Accessors and free functions take NULL. */
    CHECK(sf_error_message(NULL) == NULL, "message(NULL)");
    CHECK(sf_error_code(NULL) == SF_RESULT_NULL_PARAMETER, "code(NULL)");
    CHECK(sf_buf_len(NULL) == 0 && sf_buf_data(NULL) == NULL, "buf accessors(NULL)");
    sf_buf_free(NULL);
    sf_error_free(NULL);
    sf_client_free(NULL);

    /* Bad UTF-8 */
    const char bad_utf8[] = "{\"username\": \"\xc3\x28\"}";
    CHECK(sf_client_new(bad_utf8, sizeof bad_utf8 - 1, &client, &err) == SF_RESULT_INVALID_UTF8,
          "bad UTF-8 config");
    CHECK(client == (sf_client *)0x1, "*out untouched on error");
    if (err) {
        show_error("bad UTF-8", err);
    }
    sf_error_free(err);
    err = NULL;

    /* Bad JSON */
    const char bad_json[] = "{\"kind\": ";
    CHECK(sf_plan(bad_json, sizeof bad_json - 1, &buf, &err) == SF_RESULT_INVALID_ARGUMENT,
          "bad JSON plan input");
    CHECK(err != NULL && strstr(sf_error_message(err), "not valid JSON") != NULL, "says JSON");
    sf_error_free(err);
    err = NULL;

    /* A length that covers only part of the text: the rest is not read. */
    const char config_prefix[] = "{\"usernme\": 1}garbage";
    CHECK(sf_client_new(config_prefix, 14, &client, &err) == SF_RESULT_CONFIG,
          "unknown config key is CONFIG");
    CHECK(err != NULL && strstr(sf_error_message(err), "usernme") != NULL, "names the key");
    if (err) {
        show_error("unknown config key", err);
    }
    sf_error_free(err);
    err = NULL;
}

static void test_plan(void) {
    const char *input =
        "{\"kind\": \"companies\","
        " \"settings\": {\"name_format\": \"{Name} ({Id})\"},"
        " \"records\": [{\"type\": \"Account\", \"Id\": \"001000000000001AAA\","
        "               \"Name\": \"M\xc3\xbcller GmbH\"}],"
        " \"otrs\": {\"companies\": [], \"users\": [], \"referenced\": [],"
        "            \"sync_invalidated\": []}}";
    sf_buf *plan = NULL;
    sf_error *err = NULL;
    sf_result rc = sf_plan(input, strlen(input), &plan, &err);
    CHECK(rc == SF_RESULT_OK, "sf_plan tiny input: %u", (unsigned)rc);
    if (rc == SF_RESULT_OK) {
        const char *text = sf_buf_data(plan);
        CHECK(text[sf_buf_len(plan)] == '\0', "NUL after the text");
        CHECK(strstr(text, "\"create\"") != NULL, "plan creates: %s", text);
        CHECK(strstr(text, "M\xc3\xbcller GmbH (001000000000001AAA)") != NULL, "name: %s", text);
    } else {
        show_error("sf_plan", err);
    }
    sf_buf_free(plan);
    sf_error_free(err);
}

static void test_with_server(const char *config_path) {
    size_t config_len = 0;
    char *config = read_file(config_path, &config_len);
    CHECK(config != NULL, "read %s", config_path);
    if (!config) {
        return;
    }
    sf_client *client = NULL;
    sf_error *err = NULL;
    sf_buf *buf = NULL;
    sf_result rc = sf_client_new(config, config_len, &client, &err);
    free(config); /* the library keeps no pointer into it */
    CHECK(rc == SF_RESULT_OK && client != NULL, "sf_client_new: %u", (unsigned)rc);
    if (rc != SF_RESULT_OK) {
        show_error("sf_client_new", err);
        sf_error_free(err);
        return;
    }

    rc = call(client, "login", "{}", &buf, &err);
    CHECK(rc == SF_RESULT_OK, "login: %u", (unsigned)rc);
    if (rc == SF_RESULT_OK) {
        CHECK(strstr(sf_buf_data(buf), "\"user_id\"") != NULL, "login result: %s",
              sf_buf_data(buf));
        sf_buf_free(buf);
        buf = NULL;
    } else {
        show_error("login", err);
        sf_error_free(err);
        err = NULL;
    }

    rc = call(client, "query", "{\"soql\": \"SELECT Id, Name FROM Account LIMIT 5\"}", &buf, &err);
    CHECK(rc == SF_RESULT_OK, "query: %u", (unsigned)rc);
    if (rc == SF_RESULT_OK) {
        CHECK(strstr(sf_buf_data(buf), "\"records\"") != NULL, "query result");
        sf_buf_free(buf);
        buf = NULL;
    } else {
        show_error("query", err);
        sf_error_free(err);
        err = NULL;
    }

    /* A query handle: pages until NULL, then freed once. */
    sf_query *query = NULL;
    const char *query_args = "{\"soql\": \"SELECT Id FROM Account\", \"batch_size\": 200}";
    rc = sf_query_open(client, query_args, strlen(query_args), &query, &err);
    CHECK(rc == SF_RESULT_OK && query != NULL, "sf_query_open: %u", (unsigned)rc);
    if (rc == SF_RESULT_OK) {
        int pages = 0;
        do {
            rc = sf_query_next(query, client, &buf, &err);
            if (rc == SF_RESULT_OK && buf) {
                pages++;
                CHECK(strstr(sf_buf_data(buf), "\"records\"") != NULL, "query page %d", pages);
                sf_buf_free(buf);
            }
        } while (rc == SF_RESULT_OK && buf);
        buf = NULL;
        CHECK(rc == SF_RESULT_OK && pages >= 1, "sf_query_next: %u after %d pages", (unsigned)rc, pages);
        if (rc != SF_RESULT_OK) {
            show_error("sf_query_next", err);
            sf_error_free(err);
            err = NULL;
        }
        sf_query_free(query);
        query = NULL;
    } else {
        show_error("sf_query_open", err);
        sf_error_free(err);
        err = NULL;
    }

    /* Empty arguments mean {}. */
    rc = sf_client_call(client, "getServerTimestamp", 18, "", 0, &buf, &err);
    CHECK(rc == SF_RESULT_OK, "empty args: %u", (unsigned)rc);
    if (rc == SF_RESULT_OK) {
        CHECK(strstr(sf_buf_data(buf), "\"timestamp\"") != NULL, "timestamp: %s", sf_buf_data(buf));
        sf_buf_free(buf);
        buf = NULL;
    } else {
        show_error("getServerTimestamp", err);
        sf_error_free(err);
        err = NULL;
    }

    /* Unknown method: error, handle still usable. */
    rc = call(client, "noSuchMethod", "{}", &buf, &err);
    CHECK(rc == SF_RESULT_UNKNOWN_METHOD, "unknown method: %u", (unsigned)rc);
    CHECK(buf == NULL, "*out untouched");
    if (err) {
        show_error("noSuchMethod", err);
    }
    sf_error_free(err);
    err = NULL;

    /* Bad JSON args and bad UTF-8 method name. */
    rc = call(client, "query", "{\"soql\": ", &buf, &err);
    CHECK(rc == SF_RESULT_INVALID_ARGUMENT, "bad args JSON: %u", (unsigned)rc);
    sf_error_free(err);
    err = NULL;
    rc = sf_client_call(client, "qu\xe9ry", 5, "{}", 2, &buf, &err);
    CHECK(rc == SF_RESULT_INVALID_UTF8, "bad UTF-8 method: %u", (unsigned)rc);
    sf_error_free(err);
    err = NULL;

    /* A Salesforce fault keeps its code. */
    rc = call(client, "query", "{\"soql\": \"SELECT Nope FROM Account\"}", &buf, &err);
    CHECK(rc == SF_RESULT_SALESFORCE, "bad field: %u", (unsigned)rc);
    CHECK(err != NULL && sf_error_sf_code(err) != NULL &&
              strcmp(sf_error_sf_code(err), "INVALID_FIELD") == 0,
          "sf_code INVALID_FIELD");
    if (err) {
        show_error("bad field", err);
    }
    sf_error_free(err);
    err = NULL;

    rc = call(client, "logout", "{}", &buf, &err);
    CHECK(rc == SF_RESULT_OK, "logout: %u", (unsigned)rc);
    sf_buf_free(buf); /* NULL when logout failed: accepted */
    buf = NULL;
    sf_error_free(err);
    err = NULL;

    /* Freed once; the pointer is dropped so it cannot be freed again. */
    sf_client_free(client);
    client = NULL;
    sf_client_free(client); /* NULL: a no-op, not a double free */
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG_JSON_FILE\n", argv[0]);
        return 2;
    }
    printf("sfclient %s\n", sf_version());
    test_without_server();
    test_plan();
    test_with_server(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
