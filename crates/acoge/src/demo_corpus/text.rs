//! Sentence templates for demo practices, per narrative section, in Spanish
//! and English. A template names its blanks in braces (`{place}`); `fill`
//! writes the practice's values into them.

use super::words::Language;
use acoge_domain::practice::Section;

/// The values a practice gives the templates' blanks.
#[derive(Debug, Default)]
pub(crate) struct Slots {
    pub place: String,
    pub state: String,
    pub context: String,
    pub population: String,
    pub population2: String,
    pub sector: String,
    pub sector2: String,
    pub action: String,
    pub action_cap: String,
    pub an_action: String,
    pub an_action_cap: String,
    pub lead: String,
    pub partner: String,
    pub partners: String,
    pub levels: String,
    pub right: String,
    pub objective: String,
    pub year: String,
    pub year0: String,
    pub year_end: String,
    pub n1: String,
    pub n2: String,
    pub n3: String,
    pub pct: String,
    pub money: String,
    pub weeks: String,
    pub weekly: String,
    pub score: String,
}

impl Slots {
    fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "place" => &self.place,
            "state" => &self.state,
            "context" => &self.context,
            "population" => &self.population,
            "population2" => &self.population2,
            "sector" => &self.sector,
            "sector2" => &self.sector2,
            "action" => &self.action,
            "Action" => &self.action_cap,
            "an_action" => &self.an_action,
            "An_action" => &self.an_action_cap,
            "lead" => &self.lead,
            "partner" => &self.partner,
            "partners" => &self.partners,
            "levels" => &self.levels,
            "right" => &self.right,
            "objective" => &self.objective,
            "year" => &self.year,
            "year0" => &self.year0,
            "year_end" => &self.year_end,
            "n1" => &self.n1,
            "n2" => &self.n2,
            "n3" => &self.n3,
            "pct" => &self.pct,
            "money" => &self.money,
            "weeks" => &self.weeks,
            "weekly" => &self.weekly,
            "score" => &self.score,
            _ => return None,
        })
    }
}

/// Appends `template` to `out` with its blanks filled. An unknown blank is
/// kept as written, which the tests catch.
pub(crate) fn fill(out: &mut String, template: &str, slots: &Slots) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match slots.get(key) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
}

/// Spanish contracts "de el" and "a el" (a blank may begin with "el"); proper
/// names ("de El Salto") are capitalized and left alone.
pub(crate) fn contract(language: Language, text: &mut String) {
    if language == Language::Spanish && (text.contains(" de el ") || text.contains(" a el ")) {
        *text = text.replace(" de el ", " del ").replace(" a el ", " al ");
    }
}

/// Upper-cases the first letter ("una ventanilla" → "Una ventanilla").
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) const TITLES: [(&str, &str); 4] = [
    (
        "{Action} de {sector} para {population} en {place}",
        "{Action} on {sector} for {population} in {place}",
    ),
    (
        "{place}: {action} de {sector} con {population}",
        "{place}: {action} on {sector} with {population}",
    ),
    (
        "{Action} de {sector} y {sector2} en {place}, {state}",
        "{Action} on {sector} and {sector2} in {place}, {state}",
    ),
    (
        "{Action} para {population}: {sector} en {place}",
        "{Action} for {population}: {sector} in {place}",
    ),
];

pub(crate) fn summary_opening(language: Language) -> &'static str {
    match language {
        Language::Spanish => {
            "{lead} impulsa desde {year} {an_action} de {sector} para {population} en {place} ({state}), {context}."
        }
        Language::English => {
            "Since {year}, {lead} has run {an_action} on {sector} for {population} in {place} ({state}), {context}."
        }
    }
}

pub(crate) fn summary_partners(language: Language) -> &'static str {
    match language {
        Language::Spanish => " Participan {partners}, en coordinación con {levels}.",
        Language::English => " Partners: {partners}, working with {levels}.",
    }
}

pub(crate) fn summary_levels(language: Language) -> &'static str {
    match language {
        Language::Spanish => " La iniciativa se coordina con {levels}.",
        Language::English => " The initiative works with {levels}.",
    }
}

pub(crate) fn summary_aim(language: Language) -> &'static str {
    match language {
        Language::Spanish => " Busca garantizar {right} y se alinea con el {objective}.",
        Language::English => " It seeks to guarantee {right} and is aligned with {objective}.",
    }
}

pub(crate) fn summary_results(language: Language) -> &'static str {
    match language {
        Language::Spanish => " Hasta {year_end} había atendido a {n1} personas.",
        Language::English => " By {year_end}, it had served {n1} people.",
    }
}

pub(crate) fn summary_covid(language: Language) -> &'static str {
    match language {
        Language::Spanish => " Durante la pandemia de COVID-19 adaptó su atención.",
        Language::English => " It adapted its services during the COVID-19 pandemic.",
    }
}

/// Ends every summary, so that no reader takes a demo record for a real one.
pub(crate) fn demo_notice(language: Language) -> &'static str {
    match language {
        Language::Spanish => {
            " Datos de demostración generados automáticamente; no describen una práctica real."
        }
        Language::English => {
            " Automatically generated demo data; this does not describe a real practice."
        }
    }
}

pub(crate) const COVID: [(&str, &str); 4] = [
    (
        "Se adaptó la atención a citas escalonadas y orientación por teléfono durante la emergencia sanitaria.",
        "Care moved to staggered appointments and telephone guidance during the health emergency.",
    ),
    (
        "Se entregaron insumos de higiene y se habilitó un área de aislamiento temporal.",
        "Hygiene kits were handed out and a temporary isolation area was set up.",
    ),
    (
        "Se coordinó con la jurisdicción sanitaria la vacunación contra COVID-19 de {population}.",
        "COVID-19 vaccination of {population} was coordinated with the local health authority.",
    ),
    (
        "La atención continuó a distancia por mensajería instantánea y radio comunitaria.",
        "Services continued remotely through instant messaging and community radio.",
    ),
];

pub(crate) const RESULTS: [(&str, &str); 3] = [
    (
        "Hasta {year_end}, {n1} personas atendidas y {n3} casos canalizados.",
        "By {year_end}, {n1} people served and {n3} cases referred.",
    ),
    (
        "{n2} familias con acceso a {sector}.",
        "{n2} families with access to {sector}.",
    ),
    (
        "Tiempo de espera reducido de {weeks} semanas a unos días.",
        "Waiting time cut from {weeks} weeks to a few days.",
    ),
];

pub(crate) const RESOURCES: [(&str, &str); 3] = [
    (
        "Presupuesto municipal, donativos y trabajo voluntario.",
        "Municipal budget, donations and volunteer work.",
    ),
    (
        "Fondos de cooperación internacional por {money} pesos.",
        "International cooperation funds of {money} pesos.",
    ),
    (
        "Un equipo de {n3} personas y un espacio cedido por {lead}.",
        "A team of {n3} people and premises provided by {lead}.",
    ),
];

/// Sections every practice tells; the others appear about half the time.
pub(crate) const CORE_SECTIONS: [Section; 4] = [
    Section::SituationBefore,
    Section::ObjectivesStrategies,
    Section::Process,
    Section::Results,
];

pub(crate) fn sentences(section: Section) -> &'static [(&'static str, &'static str)] {
    match section {
        Section::SituationBefore => &[
            (
                "Antes de la iniciativa, las {population} que llegaban a {place} no tenían un lugar claro al cual acudir para {sector}.",
                "Before the initiative, {population} arriving in {place} had no clear place to turn to for {sector}.",
            ),
            (
                "{place}, {context}, recibía cada mes a cientos de {population}, y los servicios locales no alcanzaban a atender la demanda.",
                "{place}, {context}, received hundreds of {population} every month, and local services could not keep up.",
            ),
            (
                "Un diagnóstico de {lead} de {year0} identificó que {population2} enfrentaban barreras para ejercer {right}.",
                "An assessment by {lead} in {year0} found that {population2} faced barriers to {right}.",
            ),
            (
                "Las organizaciones de {state} documentaron largos tiempos de espera y falta de información en un idioma comprensible.",
                "Organizations in {state} documented long waiting times and a lack of information in a language people understood.",
            ),
            (
                "La coordinación con {levels} era esporádica y dependía de la voluntad de cada funcionario.",
                "Coordination with {levels} was sporadic and depended on the goodwill of individual officials.",
            ),
            (
                "Muchas familias pasaban semanas en {place} sin los documentos que les permitieran acceder a {sector}.",
                "Many families spent weeks in {place} without the documents they needed to access {sector}.",
            ),
        ],
        Section::Priorities => &[
            (
                "Las prioridades se definieron en mesas de trabajo con {population} y organizaciones locales.",
                "Priorities were set in working sessions with {population} and local organizations.",
            ),
            (
                "Se dio prioridad a {sector} porque era la necesidad más mencionada en las entrevistas iniciales.",
                "Priority went to {sector} because it was the need most often raised in the initial interviews.",
            ),
            (
                "{lead} y sus aliados acordaron atender primero a {population2}, por su mayor vulnerabilidad.",
                "{lead} and its allies agreed to serve {population2} first, as the most vulnerable group.",
            ),
            (
                "El enfoque de derechos humanos, de género y de infancia guió la selección de acciones.",
                "A human-rights, gender and child-sensitive approach guided the choice of actions.",
            ),
            (
                "Se consultó a {n2} personas usuarias para ordenar las necesidades por urgencia.",
                "{n2} service users were consulted to rank needs by urgency.",
            ),
        ],
        Section::ObjectivesStrategies => &[
            (
                "El objetivo general es garantizar {right} de {population} en {place}.",
                "The overall objective is to guarantee {right} for {population} in {place}.",
            ),
            (
                "La estrategia combina {sector} con {sector2} en un solo punto de atención.",
                "The strategy combines {sector} with {sector2} at a single point of care.",
            ),
            (
                "Se creó {an_action} que articula a {partners}.",
                "{An_action} was set up that brings together {partners}.",
            ),
            (
                "La iniciativa se alinea con el {objective}.",
                "The initiative is aligned with {objective}.",
            ),
            (
                "Se busca que {population2} conozcan sus derechos y sepan a qué institución acudir.",
                "It aims to ensure that {population2} know their rights and which institution to turn to.",
            ),
            (
                "Una meta explícita es reducir a la mitad el tiempo de espera para {sector}.",
                "An explicit goal is to halve waiting times for {sector}.",
            ),
        ],
        Section::Resources => &[
            (
                "El financiamiento proviene del presupuesto municipal y de donativos de cooperación internacional.",
                "Funding comes from the municipal budget and international cooperation grants.",
            ),
            (
                "{lead} aporta personal y espacio; {partner} cubre materiales y capacitación.",
                "{lead} provides staff and premises; {partner} covers materials and training.",
            ),
            (
                "El equipo está formado por {n3} personas, entre ellas trabajadoras sociales, abogadas y promotoras comunitarias.",
                "The team has {n3} people, including social workers, lawyers and community promoters.",
            ),
            (
                "Se movilizaron cerca de {money} pesos en el primer año.",
                "About {money} pesos were mobilized in the first year.",
            ),
            (
                "Personas voluntarias de {place} sostienen buena parte de la atención diaria.",
                "Volunteers from {place} carry much of the daily work.",
            ),
        ],
        Section::Process => &[
            (
                "En {year} se firmó un convenio de colaboración entre {lead} y {partner}.",
                "In {year}, {lead} and {partner} signed a collaboration agreement.",
            ),
            (
                "Primero se capacitó al personal de primer contacto; después se abrió la atención al público.",
                "Front-line staff were trained first; the service then opened to the public.",
            ),
            (
                "Cada caso se registra, se valora y se canaliza a la institución que corresponde.",
                "Each case is registered, assessed and referred to the relevant institution.",
            ),
            (
                "Las brigadas recorren colonias de {place} {weekly} veces por semana con información sobre {sector}.",
                "Mobile teams visit neighbourhoods of {place} {weekly} times a week with information on {sector}.",
            ),
            (
                "Se acordó un protocolo con {levels} para que las personas no tengan que repetir su historia.",
                "A protocol agreed with {levels} spares people from telling their story again and again.",
            ),
            (
                "La difusión se hace por radio comunitaria, redes sociales y en los albergues de la ciudad.",
                "Outreach runs through community radio, social media and the city's shelters.",
            ),
        ],
        Section::Results => &[
            (
                "Hasta {year_end} se había atendido a {n1} personas, {pct}% de ellas mujeres.",
                "By {year_end}, {n1} people had been served, {pct}% of them women.",
            ),
            (
                "{n2} familias obtuvieron acceso a {sector} gracias a la iniciativa.",
                "{n2} families gained access to {sector} through the initiative.",
            ),
            (
                "El tiempo de espera promedio bajó de {weeks} semanas a unos días.",
                "The average waiting time fell from {weeks} weeks to a few days.",
            ),
            (
                "Se canalizaron {n3} casos a otras instituciones, con seguimiento de cada uno.",
                "{n3} cases were referred to other institutions, each one followed up.",
            ),
            (
                "Las personas usuarias califican el servicio con {score} de 10 en las encuestas de salida.",
                "Users rate the service {score} out of 10 in exit surveys.",
            ),
        ],
        Section::Sustainability => &[
            (
                "La iniciativa quedó incluida en el plan municipal de desarrollo de {place}.",
                "The initiative is now part of the municipal development plan of {place}.",
            ),
            (
                "{lead} busca fondos multianuales para asegurar su continuidad.",
                "{lead} is seeking multi-year funding to secure its continuity.",
            ),
            (
                "Se formó a personal de {levels} para que la atención no dependa de un solo equipo.",
                "Staff of {levels} were trained so that the service does not depend on a single team.",
            ),
            (
                "El convenio con {partner} se renueva cada año.",
                "The agreement with {partner} is renewed every year.",
            ),
        ],
        Section::Lessons => &[
            (
                "Escuchar a {population} desde el diseño evitó servicios que nadie usaba.",
                "Listening to {population} from the design stage avoided services nobody used.",
            ),
            (
                "La coordinación con {levels} funciona mejor con acuerdos por escrito.",
                "Coordination with {levels} works better with written agreements.",
            ),
            (
                "La información debe estar disponible en varios idiomas, incluidos el criollo haitiano y lenguas indígenas.",
                "Information has to be available in several languages, including Haitian Creole and Indigenous languages.",
            ),
            (
                "Sin datos desagregados es difícil mostrar resultados y conseguir financiamiento.",
                "Without disaggregated data it is hard to show results and raise funds.",
            ),
            (
                "La confianza con las comunidades se construye con presencia constante, no con campañas aisladas.",
                "Trust with communities is built through steady presence, not one-off campaigns.",
            ),
        ],
        Section::Transferability => &[
            (
                "El modelo puede replicarse en otros municipios de {state} con costos moderados.",
                "The model can be replicated in other municipalities of {state} at moderate cost.",
            ),
            (
                "Ciudades con flujos similares a los de {place} podrían adaptar el protocolo.",
                "Cities with flows similar to those of {place} could adapt the protocol.",
            ),
            (
                "Los materiales de capacitación están disponibles para otras organizaciones de la comunidad de práctica.",
                "Training materials are available to other organizations of the community of practice.",
            ),
            (
                "Para replicarlo se necesita un enlace municipal de atención a migrantes y un convenio con una organización local.",
                "Replicating it takes a municipal migration liaison and an agreement with a local organization.",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_filled() -> Slots {
        let v = |s: &str| s.to_owned();
        Slots {
            place: v("P"),
            state: v("S"),
            context: v("C"),
            population: v("pop"),
            population2: v("pop2"),
            sector: v("sec"),
            sector2: v("sec2"),
            action: v("a"),
            action_cap: v("A"),
            an_action: v("an a"),
            an_action_cap: v("An a"),
            lead: v("L"),
            partner: v("Pa"),
            partners: v("Pas"),
            levels: v("lv"),
            right: v("r"),
            objective: v("o"),
            year: v("2020"),
            year0: v("2019"),
            year_end: v("2025"),
            n1: v("1"),
            n2: v("2"),
            n3: v("3"),
            pct: v("50"),
            money: v("100"),
            weeks: v("4"),
            weekly: v("3"),
            score: v("9"),
        }
    }

    #[test]
    fn every_blank_of_every_template_has_a_value() {
        let slots = all_filled();
        let mut templates: Vec<&str> = Vec::new();
        for language in [Language::Spanish, Language::English] {
            templates.extend([
                summary_opening(language),
                summary_partners(language),
                summary_levels(language),
                summary_aim(language),
                summary_results(language),
                summary_covid(language),
                demo_notice(language),
            ]);
        }
        for pairs in [&TITLES[..], &COVID[..], &RESULTS[..], &RESOURCES[..]] {
            templates.extend(pairs.iter().flat_map(|(es, en)| [*es, *en]));
        }
        for section in acoge_domain::practice::Section::ALL {
            templates.extend(sentences(*section).iter().flat_map(|(es, en)| [*es, *en]));
        }
        for template in templates {
            let mut out = String::new();
            fill(&mut out, template, &slots);
            assert!(!out.contains(['{', '}']), "{template:?} → {out:?}");
        }
    }

    #[test]
    fn fill_keeps_text_around_blanks() {
        let slots = all_filled();
        let mut out = String::new();
        fill(&mut out, "{place}, {unknown} y {state}.", &slots);
        assert_eq!(out, "P, {unknown} y S.");
        assert_eq!(capitalized("ñandú"), "Ñandú");
        let mut text = "personal de el gobierno, de El Salto, a el derecho".to_owned();
        contract(Language::Spanish, &mut text);
        assert_eq!(text, "personal del gobierno, de El Salto, al derecho");
    }
}
