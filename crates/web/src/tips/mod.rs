//! Citizens' tips over HTTP. So far: the officers' tip keys, opened at
//! sign-in for the session and locked again when a password changes
//! (`keys`). The public pages, the API and the police's pages come next
//! (issue 23).

pub(crate) mod keys;
