//! Controlled vocabularies of the field. Each term has a stable slug (the
//! Spanish word the reference data uses) that is stored and exchanged; the
//! words people read live in the Fluent files under `taxonomy-<kind>-<slug>`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {kind}; expected one of: {expected}")]
pub struct UnknownTerm {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

/// Any vocabulary declared with `vocabulary!`, for the validators that read
/// a term or a list of terms of whichever vocabulary a field takes.
pub(crate) trait Vocabulary: Sized {
    fn parse_slug(value: &str) -> Result<Self, UnknownTerm>;
}

/// Declares a vocabulary: an enum whose variants map one-to-one to slugs.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident = $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $slug)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The vocabulary's name, used in message keys and error texts.
            pub const KIND: &'static str = $kind;

            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::taxonomy::UnknownTerm> {
                match value.trim() {
                    $($slug => Ok($name::$variant),)+
                    other => Err($crate::taxonomy::UnknownTerm {
                        kind: $kind,
                        value: other.to_owned(),
                        expected: [$($slug),+].join(", "),
                    }),
                }
            }

            /// The Fluent key of this term's label.
            pub fn message_key(self) -> String {
                format!("taxonomy-{}-{}", $kind, self.slug())
            }
        }

        impl $crate::taxonomy::Vocabulary for $name {
            fn parse_slug(value: &str) -> Result<Self, $crate::taxonomy::UnknownTerm> {
                $name::parse(value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// Why a municipality matters for human mobility.
    MigrationContext, "context" {
        NorthernBorder = "frontera_norte",
        SouthernBorder = "frontera_sur",
        TransitRoute = "transito",
        RepatriationPoint = "punto_repatriacion_inm",
        ComarOffice = "oficina_comar",
        UnhcrLocalIntegration = "integracion_local_acnur",
        MppReturns = "retorno_mpp",
    }
);

vocabulary!(
    /// The three levels of government (tres órdenes de gobierno).
    GovernmentLevel, "level" {
        Federal = "federal",
        State = "estatal",
        Municipal = "municipal",
    }
);

vocabulary!(
    /// Rights named by legal provisions and practices.
    Right, "right" {
        All = "todos",
        Health = "salud",
        Housing = "vivienda",
        Education = "educacion",
        Work = "trabajo",
        Identity = "identidad",
        AccessToJustice = "acceso_justicia",
        DueProcess = "debido_proceso",
        NonDiscrimination = "no_discriminacion",
        FamilyUnity = "unidad_familiar",
        SocialProtection = "proteccion_social",
        ChildProtection = "proteccion_infancia",
        Asylum = "asilo",
        FreeMovement = "libre_transito",
        Regularization = "regularizacion",
        Water = "agua",
        Security = "seguridad",
        Others = "otros",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_unknown_terms_list_the_expected_ones() {
        for context in MigrationContext::ALL {
            assert_eq!(MigrationContext::parse(context.slug()).unwrap(), *context);
        }
        let err = GovernmentLevel::parse("county").unwrap_err();
        assert_eq!(err.kind, "level");
        assert!(err.to_string().contains("federal, estatal, municipal"));
        assert_eq!(Right::Health.message_key(), "taxonomy-right-salud");
    }
}
