#!/usr/bin/env bash
# Benchmark floor (tools/bench): the same pages as the clients fetch, raw,
# with curl: SOAP login, then every page of the query, bodies appended to OUT
# (gzip on the wire like the clients, --compressed). No parsing beyond
# finding the cursor.
#
# Usage: fetch_curl.sh soap|rest keepalive|perpage <fake-info.json> <soql> <OUT>
#   soap  query + queryMore (POST /services/Soap/u/V/ORG) — floor of the SOAP clients
#   rest  GET /services/data/vV/query?q=… then each nextRecordsUrl — floor of
#         the REST clients (simple-salesforce, jsforce, fetch_records --rest)
#   keepalive  one curl process for all pages after the first, on one
#         keep-alive connection: the cursors are the first page's locator with
#         the offset counted on (…-2000, …-4000, …), as Salesforce numbers them
#   perpage  one curl process per page, the next cursor cut out of each page
#         with grep (a TLS handshake and a process start per page)
# The session id stays in shell variables and curl's argv (loopback fake only).
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: fetch_curl.sh soap|rest keepalive|perpage <fake-info.json> <soql> <OUT>" >&2; exit 2; }
api=$1 mode=$2 info=$3 soql=$4 out=$5
# bash built-ins only up to the first request, so process starts do not
# count against the floor
IFS= read -r line <"$info"
field() { # a string value of the info line
    local re="\"$1\":\"([^\"]*)\""
    [[ $line =~ $re ]] || { echo "fetch_curl: no $1 in $info" >&2; exit 1; }
    printf '%s' "${BASH_REMATCH[1]}"
}
match() { # the first capture of regex $2 in the first 4 KiB of file $1, or nothing
    local head=""
    IFS= read -r -d '' -N 4096 head <"$1" || true
    [[ $head =~ $2 ]] && printf '%s' "${BASH_REMATCH[1]}"
    return 0
}
login_url=$(field soap_login_url)
base=$(field instance_url)
version=$(field api_version)
ca=$(field ca_file)
xml_escape() { local s=${1//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; printf '%s' "$s"; }
user=$(xml_escape "$(field username)")
pass=$(xml_escape "$(field password)$(field security_token)")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(-sS --fail-with-body --compressed --cacert "$ca")
soap_hdr=(-H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: ""')
env_open='<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">'

curl "${common[@]}" "${soap_hdr[@]}" -o "$tmp/login" --data-binary \
    "$env_open<soapenv:Body><urn:login><urn:username>$user</urn:username><urn:password>$pass</urn:password></urn:login></soapenv:Body></soapenv:Envelope>" \
    "$login_url"
sid=$(match "$tmp/login" '<sessionId>([^<]*)')
server_url=$(match "$tmp/login" '<serverUrl>([^<]*)')
[ -n "$sid" ] && [ -n "$server_url" ] || { echo "fetch_curl: login failed" >&2; exit 1; }
soap_call() { # sets $body: a query/queryMore envelope around $1
    printf -v body '%s<soapenv:Header><urn:SessionHeader><urn:sessionId>%s</urn:sessionId></urn:SessionHeader><urn:QueryOptions><urn:batchSize>2000</urn:batchSize></urn:QueryOptions></soapenv:Header><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>' \
        "$env_open" "$sid" "$1"
}
rest_hdr=(-H "Authorization: Bearer $sid" -H 'Sforce-Query-Options: batchSize=2000')

first_page() {
    if [ "$api" = soap ]; then
        soap_call "<urn:query><urn:queryString>$(xml_escape "$soql")</urn:queryString></urn:query>"
        curl "${common[@]}" "${soap_hdr[@]}" -o "$1" --data-binary "$body" "$server_url"
    else
        curl "${common[@]}" "${rest_hdr[@]}" -o "$1" -G --data-urlencode "q=$soql" "$base/services/data/v$version/query"
    fi
}
cursor_of() { # the next cursor named near the start of a page, or nothing when done
    if [ "$api" = soap ]; then
        match "$1" '<queryLocator>([^<]*)'
    else
        match "$1" '"nextRecordsUrl":"([^"]*)"'
    fi
}
fetch_args() { # sets $more: the curl arguments that fetch one cursor's page (no subshell)
    if [ "$api" = soap ]; then
        soap_call "<urn:queryMore><urn:queryLocator>$1</urn:queryLocator></urn:queryMore>"
        more=("${soap_hdr[@]}" --data-binary "$body" "$server_url")
    else
        more=("${rest_hdr[@]}" "$base$1")
    fi
}

first_page "$out" # the first page starts OUT: read its cursor and size from there
cursor=$(cursor_of "$out")
case "$mode" in
perpage)
    while [ -n "$cursor" ]; do
        fetch_args "$cursor"
        curl "${common[@]}" -o "$tmp/page" "${more[@]}"
        cat "$tmp/page" >>"$out"
        cursor=$(cursor_of "$tmp/page")
    done
    ;;
keepalive)
    [ -n "$cursor" ] || exit 0
    if [ "$api" = soap ]; then
        total=$(tail -c 4096 "$out" | grep -o '<size>[0-9]*' | cut -d'>' -f2)  # after the records
    else
        total=$(match "$out" '"totalSize":([0-9]+)')
    fi
    stem=${cursor%-*} step=${cursor##*-}
    args=()
    for ((off = step; off < total; off += step)); do
        fetch_args "$stem-$off"
        [ ${#args[@]} -eq 0 ] || args+=(--next)
        args+=("${common[@]}" "${more[@]}")
    done
    curl "${args[@]}" >>"$out"
    ;;
*)
    echo "fetch_curl: mode must be keepalive or perpage" >&2
    exit 2
    ;;
esac
