//! `#[ffi_export]`: the panic boundary of every C export of `sfclient`.
//!
//! Put on a `#[no_mangle] extern "C" fn` of `src/ffi`, it runs the whole
//! body behind `catch_unwind`, so no export can forget the boundary and none
//! passes its panic value by hand:
//!
//! * a function with the parameter `err: *mut *mut sf_error` is a status
//!   export: its body is a `Result<(), Error>`; `Ok` becomes
//!   `SF_RESULT_OK`, an error or a panic becomes its status and an error
//!   object in `*err` (`sfclient::ffi::guard_result`);
//! * any other function returns what its body gives, or on a panic the
//!   value its return type names for that (`sfclient::ffi::OnPanic`: NULL,
//!   0, `SF_RESULT_PANIC`, nothing).
//!
//! `#[no_mangle]` stays written out in the source: cbindgen reads the
//! source, not the expansion, and exports only functions that carry it.
//!
//! Only `proc_macro` is used (no syn/quote): the item is a plain function
//! and only four things are read from it (the `#[no_mangle]` attribute, the
//! `extern "C"`, the parameter names, the return type).

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// See the crate documentation.
#[proc_macro_attribute]
pub fn ffi_export(attr: TokenStream, item: TokenStream) -> TokenStream {
    match wrap(attr, item) {
        Ok(tokens) => tokens,
        Err(message) => compile_error(&message),
    }
}

fn wrap(attr: TokenStream, item: TokenStream) -> Result<TokenStream, String> {
    if !attr.is_empty() {
        return Err("#[ffi_export] takes no arguments".into());
    }
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let body = match tokens.pop() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
        _ => return Err("#[ffi_export] goes on a function with a body".into()),
    };
    if !has_no_mangle(&tokens) {
        return Err("#[ffi_export]: the export needs #[no_mangle] (cbindgen reads it)".into());
    }
    let fn_at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i.to_string() == "fn"))
        .ok_or("#[ffi_export] goes on a function")?;
    let extern_c = tokens[..fn_at].windows(2).any(|w| {
        matches!(&w[0], TokenTree::Ident(i) if i.to_string() == "extern")
            && matches!(&w[1], TokenTree::Literal(l) if l.to_string() == "\"C\"")
    });
    if !extern_c {
        return Err("#[ffi_export] goes on an extern \"C\" fn".into());
    }
    let params = tokens[fn_at..]
        .iter()
        .find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => Some(g.clone()),
            _ => None,
        })
        .ok_or("#[ffi_export]: no parameter list")?;
    let returns = return_type(&tokens[fn_at..]);

    let wrapped = if has_error_out_param(&params) {
        // guard_result(err, || -> Result<(), Error> { body })
        let mut call = path(&["crate", "ffi", "guard_result"]);
        let mut args = vec![TokenTree::Ident(Ident::new("err", Span::call_site()))];
        args.push(punct(','));
        args.extend(closure(
            Some(
                path(&["crate", "error", "Result"])
                    .into_iter()
                    .chain(angle(vec![TokenTree::Group(Group::new(
                        Delimiter::Parenthesis,
                        TokenStream::new(),
                    ))]))
                    .collect(),
            ),
            body,
        ));
        call.push(paren(args));
        call
    } else {
        // guard_or(<R as OnPanic>::on_panic(), || -> R { body })
        let ret = returns.unwrap_or_else(|| {
            vec![TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                TokenStream::new(),
            ))]
        });
        let mut default = vec![punct('<')];
        default.extend(ret.iter().cloned());
        default.push(TokenTree::Ident(Ident::new("as", Span::call_site())));
        default.extend(path(&["crate", "ffi", "OnPanic"]));
        default.push(punct('>'));
        default.extend(path_tail(&["on_panic"]));
        default.push(paren(Vec::new()));
        let mut args = default;
        args.push(punct(','));
        args.extend(closure(Some(ret), body));
        let mut call = path(&["crate", "ffi", "guard_or"]);
        call.push(paren(args));
        call
    };
    tokens.push(TokenTree::Group(Group::new(
        Delimiter::Brace,
        wrapped.into_iter().collect(),
    )));
    Ok(tokens.into_iter().collect())
}

/// Whether the outer attributes hold `#[no_mangle]`.
fn has_no_mangle(tokens: &[TokenTree]) -> bool {
    tokens.windows(2).any(|w| {
        matches!(&w[0], TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(&w[1], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket
                && g.stream().to_string().trim() == "no_mangle")
    })
}

/// Whether a parameter list has the error out-parameter of a status
/// export: `err: *mut *mut sf_error`.
fn has_error_out_param(params: &Group) -> bool {
    let tokens: Vec<TokenTree> = params.stream().into_iter().collect();
    tokens
        .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .any(|param| {
            let text: String = param.iter().map(|t| t.to_string()).collect();
            text.split_whitespace().collect::<String>() == "err:*mut*mutsf_error"
        })
}

/// The tokens after `->` of a signature, if it has one.
fn return_type(signature: &[TokenTree]) -> Option<Vec<TokenTree>> {
    let arrow = signature.windows(2).position(|w| {
        matches!(&w[0], TokenTree::Punct(p) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
            && matches!(&w[1], TokenTree::Punct(p) if p.as_char() == '>')
    })?;
    Some(signature[arrow + 2..].to_vec())
}

/// `move || -> ret { body }`
fn closure(ret: Option<Vec<TokenTree>>, body: Group) -> Vec<TokenTree> {
    let mut out = vec![
        TokenTree::Ident(Ident::new("move", Span::call_site())),
        punct_joint('|'),
        punct('|'),
    ];
    if let Some(ret) = ret {
        out.push(punct_joint('-'));
        out.push(punct('>'));
        out.extend(ret);
    }
    out.push(TokenTree::Group(body));
    out
}

/// `a::b::c`
fn path(segments: &[&str]) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push(punct_joint(':'));
            out.push(punct(':'));
        }
        out.push(TokenTree::Ident(Ident::new(s, Span::call_site())));
    }
    out
}

/// `::a::b` (continuing a path)
fn path_tail(segments: &[&str]) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for s in segments {
        out.push(punct_joint(':'));
        out.push(punct(':'));
        out.push(TokenTree::Ident(Ident::new(s, Span::call_site())));
    }
    out
}

/// `<inner>`
fn angle(inner: Vec<TokenTree>) -> Vec<TokenTree> {
    let mut out = vec![punct('<')];
    out.extend(inner);
    out.push(punct('>'));
    out
}

fn paren(inner: Vec<TokenTree>) -> TokenTree {
    TokenTree::Group(Group::new(
        Delimiter::Parenthesis,
        inner.into_iter().collect(),
    ))
}

fn punct(c: char) -> TokenTree {
    TokenTree::Punct(Punct::new(c, Spacing::Alone))
}

fn punct_joint(c: char) -> TokenTree {
    TokenTree::Punct(Punct::new(c, Spacing::Joint))
}

fn compile_error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});")
        .parse()
        .unwrap_or_default()
}
