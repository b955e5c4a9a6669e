//! `coded!`: an enum of coded values, as the capabilities declare them
//! (a force, a team role, a training topic …): its code for machines, its
//! Vietnamese and English labels, and the refusal of an unknown code.
//! Declared before the modules that use it (`#[macro_use]` in `lib.rs`).

/// Declares an enum of coded values: its code, its Vietnamese and English
/// labels, `ALL`, `as_str`, `term` and `parse` (refused with `$reason`).
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident, $reason:ident, $schema:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal, $vi:literal, $en:literal;)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)*
        }

        // By hand: the derive does not read the codes through the macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T($crate::schema::one_of(&[$($code),*]))
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($schema))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $vi,)* }
            }

            pub fn term(self) -> $crate::error::Term {
                match self { $($name::$variant => $crate::error::Term::new($code, $vi, $en),)* }
            }

            pub fn parse(field: &'static str, s: &str) -> Result<Self, $crate::error::DomainError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| $crate::error::DomainError::new(
                        field,
                        $crate::reason::Reason::$reason { allowed: $crate::error::terms(Self::ALL, Self::term) },
                    ))
            }
        }
    };
}
