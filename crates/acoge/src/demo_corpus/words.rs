//! The words demo records are made of: the project's vocabularies (sectors,
//! populations, rights, levels of government, migration contexts, the Global
//! Compact's objectives) as phrases that fit inside a sentence, in Spanish
//! (after the `taxonomy-*` labels of the Spanish locale) and English, plus
//! invented parts of organization names.

use acoge_domain::{
    organization::OrganizationKind,
    practice::{Population, Sector},
    taxonomy::{GovernmentLevel, MigrationContext, Right},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    Spanish,
    English,
}

/// A phrase in both languages.
pub(crate) type Pair = (&'static str, &'static str);

pub(crate) fn pick_lang(pair: Pair, language: Language) -> &'static str {
    match language {
        Language::Spanish => pair.0,
        Language::English => pair.1,
    }
}

pub(crate) fn population(population: Population) -> Pair {
    match population {
        Population::InTransit => ("personas migrantes en tránsito", "migrants in transit"),
        Population::AsylumSeekers => ("personas solicitantes de asilo", "asylum seekers"),
        Population::Refugees => ("personas refugiadas", "refugees"),
        Population::Returnees => ("personas retornadas", "returnees"),
        Population::InternallyDisplaced => (
            "personas desplazadas internas",
            "internally displaced people",
        ),
        Population::UnaccompaniedChildren => (
            "niñas, niños y adolescentes no acompañados",
            "unaccompanied children",
        ),
        Population::Women => ("mujeres migrantes", "migrant women"),
        Population::Lgbti => ("personas LGBTI+ en movilidad", "LGBTI+ people on the move"),
        Population::Indigenous => (
            "personas indígenas en movilidad",
            "Indigenous people on the move",
        ),
    }
}

/// What a practice of a sector works on, several ways each.
pub(crate) fn sector(sector: Sector) -> &'static [Pair] {
    match sector {
        Sector::Health => &[
            ("atención primaria de salud", "primary health care"),
            ("jornadas de vacunación", "vaccination campaigns"),
            (
                "acceso a consultas médicas",
                "access to medical consultations",
            ),
            (
                "salud sexual y reproductiva",
                "sexual and reproductive health",
            ),
        ],
        Sector::HousingShelter => &[
            ("alojamiento temporal", "temporary accommodation"),
            ("acceso a vivienda en renta", "access to rental housing"),
            ("albergue de corta estancia", "short-stay shelter"),
            ("vivienda de transición", "transitional housing"),
        ],
        Sector::Education => &[
            ("inscripción escolar", "school enrolment"),
            ("revalidación de estudios", "recognition of studies"),
            ("clases de nivelación", "catch-up classes"),
            ("alfabetización de personas adultas", "adult literacy"),
        ],
        Sector::Employment => &[
            ("vinculación laboral", "job placement"),
            ("capacitación para el empleo", "vocational training"),
            ("certificación de competencias", "skills certification"),
            ("emprendimientos productivos", "small businesses"),
        ],
        Sector::LegalAid => &[
            ("asesoría jurídica gratuita", "free legal advice"),
            ("trámite de documentos de identidad", "identity documents"),
            (
                "acompañamiento en el procedimiento de asilo",
                "support through the asylum procedure",
            ),
            (
                "obtención de la CURP temporal",
                "temporary CURP registration",
            ),
        ],
        Sector::ChildProtection => &[
            (
                "protección de niñas, niños y adolescentes",
                "protection of children and adolescents",
            ),
            (
                "cuidados alternativos para la infancia",
                "alternative care for children",
            ),
            (
                "espacios amigables para la infancia",
                "child-friendly spaces",
            ),
        ],
        Sector::GenderViolence => &[
            (
                "prevención de la violencia de género",
                "prevention of gender-based violence",
            ),
            (
                "atención a sobrevivientes de violencia",
                "support for survivors of violence",
            ),
            ("casas de refugio para mujeres", "safe houses for women"),
        ],
        Sector::Food => &[
            ("comedores comunitarios", "community kitchens"),
            ("entrega de despensas", "food parcels"),
            ("seguridad alimentaria", "food security"),
        ],
        Sector::MentalHealth => &[
            ("atención psicosocial", "psychosocial support"),
            ("primeros auxilios psicológicos", "psychological first aid"),
            ("grupos de apoyo emocional", "peer support groups"),
        ],
        Sector::IntegrationCulture => &[
            ("integración comunitaria", "community integration"),
            (
                "actividades culturales y deportivas",
                "cultural and sports activities",
            ),
            ("cursos de español", "Spanish classes"),
            ("convivencia vecinal", "neighbourhood coexistence"),
        ],
        Sector::Others => &[
            ("información sobre derechos", "information on rights"),
            (
                "registro y canalización de casos",
                "case registration and referral",
            ),
            (
                "comunicación con familiares",
                "keeping in touch with relatives",
            ),
        ],
    }
}

/// The rights a sector's work mostly serves.
pub(crate) fn sector_rights(sector: Sector) -> &'static [Right] {
    match sector {
        Sector::Health | Sector::MentalHealth => &[Right::Health],
        Sector::HousingShelter => &[Right::Housing, Right::Water],
        Sector::Education => &[Right::Education],
        Sector::Employment => &[Right::Work, Right::SocialProtection],
        Sector::LegalAid => &[
            Right::Identity,
            Right::AccessToJustice,
            Right::DueProcess,
            Right::Asylum,
            Right::Regularization,
        ],
        Sector::ChildProtection => &[Right::ChildProtection, Right::FamilyUnity],
        Sector::GenderViolence => &[Right::Security, Right::NonDiscrimination],
        Sector::Food => &[Right::SocialProtection],
        Sector::IntegrationCulture => &[Right::NonDiscrimination, Right::FreeMovement],
        Sector::Others => &[Right::Others, Right::All],
    }
}

/// Objectives of the Global Compact for Migration a sector's work serves.
pub(crate) fn sector_objectives(sector: Sector) -> &'static [u8] {
    match sector {
        Sector::Health | Sector::MentalHealth => &[15, 7],
        Sector::HousingShelter => &[15, 7],
        Sector::Education => &[15, 16, 18],
        Sector::Employment => &[6, 18, 19],
        Sector::LegalAid => &[4, 12, 5],
        Sector::ChildProtection => &[7, 13],
        Sector::GenderViolence => &[7, 10],
        Sector::Food => &[15, 22],
        Sector::IntegrationCulture => &[16, 17],
        Sector::Others => &[3, 1, 23],
    }
}

/// Objectives a population's situation calls for.
pub(crate) fn population_objectives(population: Population) -> &'static [u8] {
    match population {
        Population::InTransit => &[8, 3, 9],
        Population::AsylumSeekers => &[12, 13],
        Population::Refugees => &[16, 5],
        Population::Returnees => &[21, 14],
        Population::InternallyDisplaced => &[2],
        Population::UnaccompaniedChildren => &[7, 13],
        Population::Women => &[7, 10],
        Population::Lgbti | Population::Indigenous => &[17],
    }
}

pub(crate) fn right(right: Right) -> Pair {
    match right {
        Right::All => ("todos los derechos", "all rights"),
        Right::Health => ("el derecho a la salud", "the right to health"),
        Right::Housing => ("el derecho a la vivienda", "the right to housing"),
        Right::Education => ("el derecho a la educación", "the right to education"),
        Right::Work => ("el derecho al trabajo", "the right to work"),
        Right::Identity => ("el derecho a la identidad", "the right to an identity"),
        Right::AccessToJustice => ("el acceso a la justicia", "access to justice"),
        Right::DueProcess => ("el debido proceso", "due process"),
        Right::NonDiscrimination => ("la no discriminación", "non-discrimination"),
        Right::FamilyUnity => ("la unidad familiar", "family unity"),
        Right::SocialProtection => ("la protección social", "social protection"),
        Right::ChildProtection => ("la protección de la infancia", "child protection"),
        Right::Asylum => ("el derecho de asilo", "the right to asylum"),
        Right::FreeMovement => ("el libre tránsito", "freedom of movement"),
        Right::Regularization => ("la regularización migratoria", "migration regularization"),
        Right::Water => ("el derecho al agua", "the right to water"),
        Right::Security => ("la seguridad", "security"),
        Right::Others => ("otros derechos", "other rights"),
    }
}

/// The short labels of the Compact's 23 objectives (pacto_mundial_objetivos.csv).
pub(crate) const OBJECTIVES: [Pair; 23] = [
    ("Datos", "Data"),
    ("Minimizar factores adversos", "Adverse drivers"),
    ("Proporcionar información", "Accurate information"),
    (
        "Identidad jurídica y documentación",
        "Legal identity and documentation",
    ),
    ("Vías de migración regular", "Regular pathways"),
    (
        "Contratación y trabajo decente",
        "Fair recruitment and decent work",
    ),
    ("Reducir vulnerabilidades", "Reducing vulnerabilities"),
    ("Salvar vidas", "Saving lives"),
    ("Combatir el tráfico de migrantes", "Countering smuggling"),
    ("Erradicar la trata de personas", "Eradicating trafficking"),
    ("Gestión de fronteras", "Border management"),
    (
        "Verificación de antecedentes y derivación",
        "Screening and referral",
    ),
    ("Alternativas a la detención", "Alternatives to detention"),
    ("Protección consular", "Consular protection"),
    ("Acceso a los servicios básicos", "Access to basic services"),
    (
        "Inclusión y cohesión social",
        "Inclusion and social cohesion",
    ),
    ("Eliminar la discriminación", "Eliminating discrimination"),
    (
        "Desarrollo y reconocimiento de competencias",
        "Skills development and recognition",
    ),
    (
        "Contribución de migrantes y diásporas",
        "Migrant and diaspora contributions",
    ),
    ("Remesas", "Remittances"),
    (
        "Retorno y reintegración dignos",
        "Dignified return and reintegration",
    ),
    ("Protección social", "Social protection"),
    ("Cooperación internacional", "International cooperation"),
];

/// What a migration context makes of a municipality, after a comma.
pub(crate) fn context(context: Option<MigrationContext>) -> Pair {
    match context {
        Some(MigrationContext::NorthernBorder) => (
            "municipio de la frontera norte",
            "a northern border municipality",
        ),
        Some(MigrationContext::SouthernBorder) => (
            "municipio de la frontera sur",
            "a southern border municipality",
        ),
        Some(MigrationContext::TransitRoute) => (
            "punto de la ruta de tránsito",
            "a stop on the transit route",
        ),
        Some(MigrationContext::RepatriationPoint) => {
            ("punto de repatriación del INM", "an INM repatriation point")
        }
        Some(MigrationContext::ComarOffice) => (
            "sede de una oficina de la COMAR",
            "the seat of a COMAR office",
        ),
        Some(MigrationContext::UnhcrLocalIntegration) => (
            "ciudad del programa de integración local del ACNUR",
            "a city of UNHCR's local integration programme",
        ),
        Some(MigrationContext::MppReturns) => (
            "ciudad de retornos del programa «Quédate en México»",
            "a city receiving \"Remain in Mexico\" returns",
        ),
        None => (
            "municipio con población en movilidad creciente",
            "a municipality with a growing population on the move",
        ),
    }
}

/// Who takes part, by the levels of government involved.
pub(crate) fn levels(levels: &[GovernmentLevel]) -> Pair {
    let has = |level| levels.contains(&level);
    match (
        has(GovernmentLevel::Federal),
        has(GovernmentLevel::State),
        has(GovernmentLevel::Municipal),
    ) {
        (true, true, true) => (
            "los tres órdenes de gobierno",
            "all three levels of government",
        ),
        (true, true, false) => (
            "el gobierno estatal e instituciones federales",
            "the state government and federal institutions",
        ),
        (true, false, true) => (
            "el gobierno municipal e instituciones federales",
            "the municipal government and federal institutions",
        ),
        (false, true, true) => (
            "los gobiernos municipal y estatal",
            "the municipal and state governments",
        ),
        (true, false, false) => ("instituciones federales", "federal institutions"),
        (false, true, false) => ("el gobierno estatal", "the state government"),
        _ => ("el gobierno municipal", "the municipal government"),
    }
}

/// Kinds of initiative, with their article: (Spanish noun, "un"/"una", English noun).
pub(crate) const ACTIONS: [(&str, &str, &str); 12] = [
    ("programa", "un", "programme"),
    ("ventanilla única", "una", "one-stop desk"),
    ("mesa intersectorial", "una", "intersectoral round table"),
    ("estrategia municipal", "una", "municipal strategy"),
    ("protocolo de atención", "un", "care protocol"),
    ("modelo comunitario", "un", "community model"),
    ("red de apoyo", "una", "support network"),
    ("brigada móvil", "una", "mobile brigade"),
    ("centro comunitario", "un", "community centre"),
    ("ruta de atención", "una", "referral pathway"),
    ("plan de respuesta", "un", "response plan"),
    ("iniciativa vecinal", "una", "neighbourhood initiative"),
];

/// How kinds of organization are distributed, in percent (sums to 100).
pub(crate) const KINDS: [(OrganizationKind, usize); 14] = [
    (OrganizationKind::Shelter, 20),
    (OrganizationKind::LegalAid, 11),
    (OrganizationKind::HumanRightsDefence, 10),
    (OrganizationKind::CivilSocietyNetwork, 9),
    (OrganizationKind::FaithBased, 8),
    (OrganizationKind::MunicipalGovernment, 12),
    (OrganizationKind::StateGovernment, 4),
    (OrganizationKind::Academia, 8),
    (OrganizationKind::Foundation, 6),
    (OrganizationKind::InternationalNgo, 4),
    (OrganizationKind::InternationalCooperation, 2),
    (OrganizationKind::InternationalOrganization, 1),
    (OrganizationKind::PrivateSector, 4),
    (OrganizationKind::AutonomousBody, 1),
];

/// The first words of an organization's name, by kind. Government bodies
/// are named after their place (`true`), the others after an invented core.
pub(crate) fn name_prefixes(kind: OrganizationKind) -> (&'static [&'static str], bool) {
    match kind {
        OrganizationKind::Shelter => (
            &["Albergue", "Casa de Acogida", "Refugio", "Posada Solidaria"],
            false,
        ),
        OrganizationKind::LegalAid => (
            &[
                "Clínica Jurídica",
                "Defensoría Comunitaria",
                "Asesoría Legal",
            ],
            false,
        ),
        OrganizationKind::HumanRightsDefence => (
            &[
                "Centro de Derechos Humanos",
                "Observatorio Ciudadano",
                "Comité de Derechos Humanos",
            ],
            false,
        ),
        OrganizationKind::CivilSocietyNetwork => {
            (&["Red", "Colectivo", "Coalición", "Mesa Ciudadana"], false)
        }
        OrganizationKind::FaithBased => (
            &["Pastoral de Movilidad", "Comunidad de Fe", "Misión"],
            false,
        ),
        OrganizationKind::MunicipalGovernment => (
            &[
                "Oficina Municipal de Movilidad Humana de",
                "Coordinación Municipal de Atención a Migrantes de",
                "Instituto Municipal de Inclusión de",
            ],
            true,
        ),
        OrganizationKind::StateGovernment => (
            &[
                "Consejo Estatal de Movilidad Humana de",
                "Coordinación Estatal de Inclusión de",
            ],
            true,
        ),
        OrganizationKind::Academia => (
            &[
                "Seminario Universitario",
                "Laboratorio de Estudios Migratorios",
                "Programa Universitario",
            ],
            false,
        ),
        OrganizationKind::Foundation => (&["Fundación"], false),
        OrganizationKind::InternationalNgo => (&["Alianza Global", "Acción Global"], false),
        OrganizationKind::InternationalCooperation => (&["Programa de Cooperación"], false),
        OrganizationKind::InternationalOrganization => (&["Iniciativa Regional"], false),
        OrganizationKind::PrivateSector => (
            &[
                "Cámara Empresarial",
                "Empresas por la Inclusión",
                "Cooperativa",
            ],
            false,
        ),
        OrganizationKind::AutonomousBody | OrganizationKind::FederalGovernment => {
            (&["Consejo Ciudadano de Derechos Humanos de"], true)
        }
    }
}

/// Invented name cores; none is the name of an organization of the field.
pub(crate) const NAME_CORES: [&str; 40] = [
    "Horizonte Común",
    "Puentes de Acogida",
    "Raíces Compartidas",
    "Semilla Viva",
    "Camino Sereno",
    "Tejiendo Redes",
    "Voces del Sur",
    "Brújula Solidaria",
    "Mesa Abierta",
    "Faro del Camino",
    "Umbral",
    "Travesía Digna",
    "Alas y Raíces",
    "Orilla Segura",
    "Andares",
    "Ceiba",
    "Hilos de Luz",
    "Manantial",
    "Nueva Orilla",
    "Sendas",
    "Tierra de Paso",
    "Ventana Abierta",
    "Puerta Amiga",
    "Lazos",
    "Encuentro",
    "Palabra Viva",
    "Mano Tendida",
    "Sol de Frontera",
    "Río Compartido",
    "Huellas",
    "Vecindad",
    "Colibrí",
    "Jacaranda",
    "Amate",
    "Tonalli",
    "Ruta Digna",
    "Brisa",
    "Arraigo",
    "Pan Compartido",
    "Cielo Abierto",
];

/// A sentence on what each kind of organization does (Spanish, like the directory).
pub(crate) fn kind_description(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::Shelter => "Albergue que ofrece alojamiento, alimentación y orientación",
        OrganizationKind::LegalAid => {
            "Organización de asesoría jurídica y acompañamiento en trámites"
        }
        OrganizationKind::HumanRightsDefence => {
            "Organización de defensa y documentación de derechos humanos"
        }
        OrganizationKind::CivilSocietyNetwork => "Red de organizaciones de la sociedad civil",
        OrganizationKind::FaithBased => "Organización religiosa de acompañamiento y hospitalidad",
        OrganizationKind::MunicipalGovernment => "Área del gobierno municipal",
        OrganizationKind::StateGovernment => "Instancia del gobierno estatal",
        OrganizationKind::Academia => "Grupo académico de investigación y formación",
        OrganizationKind::Foundation => "Fundación que financia proyectos comunitarios",
        OrganizationKind::InternationalNgo => "Organización no gubernamental internacional",
        OrganizationKind::InternationalCooperation => "Programa de cooperación internacional",
        OrganizationKind::InternationalOrganization => "Iniciativa de alcance regional",
        OrganizationKind::PrivateSector => "Iniciativa del sector privado",
        OrganizationKind::AutonomousBody | OrganizationKind::FederalGovernment => {
            "Consejo ciudadano de observación"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_add_up_and_every_vocabulary_term_has_words() {
        assert_eq!(KINDS.iter().map(|(_, p)| p).sum::<usize>(), 100);
        for s in Sector::ALL {
            assert!(!sector(*s).is_empty());
            assert!(!sector_rights(*s).is_empty());
            assert!(sector_objectives(*s).iter().all(|n| (1..=23).contains(n)));
        }
        for p in Population::ALL {
            assert!(
                population_objectives(*p)
                    .iter()
                    .all(|n| (1..=23).contains(n))
            );
        }
        for kind in OrganizationKind::ALL {
            assert!(!name_prefixes(*kind).0.is_empty());
        }
    }
}
