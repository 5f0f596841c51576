use super::*;

fn place(cvegeo: &str, name: &str, state: &str, contexts: &[MigrationContext]) -> Place {
    Place {
        cvegeo: Cvegeo::parse(cvegeo).unwrap(),
        name: name.to_owned(),
        state_name: state.to_owned(),
        population: Some(100_000),
        contexts: contexts.to_vec(),
    }
}

fn inputs() -> Inputs {
    Inputs {
        places: vec![
            place(
                "07089",
                "Tapachula",
                "Chiapas",
                &[MigrationContext::SouthernBorder],
            ),
            place(
                "02004",
                "Tijuana",
                "Baja California",
                &[
                    MigrationContext::NorthernBorder,
                    MigrationContext::RepatriationPoint,
                    MigrationContext::ComarOffice,
                    MigrationContext::MppReturns,
                ],
            ),
            place("05030", "Saltillo", "Coahuila de Zaragoza", &[]),
            place("20001", "Abejones", "Oaxaca", &[]),
        ],
        organizations: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
        provisions: vec![KnownProvision {
            id: Uuid::from_u128(3),
            rights: vec![Right::Health, Right::Asylum],
        }],
    }
}

fn corpus(seed: u64, organizations: u32, practices: u32) -> (Vec<Organization>, Vec<DemoPractice>) {
    let mut generator = Generator::new(seed, inputs(), organizations).unwrap();
    let practices = (0..practices)
        .map(|i| generator.practice(i).unwrap())
        .collect();
    (generator.organizations().to_vec(), practices)
}

#[test]
fn a_seed_gives_the_same_corpus_and_another_seed_another() {
    let first = corpus(7, 40, 100);
    assert_eq!(first, corpus(7, 40, 100));
    let other = corpus(8, 40, 100);
    assert_ne!(first.0, other.0);
    assert_ne!(first.1, other.1);
    // More organizations do not change the ones before them.
    assert_eq!(corpus(7, 60, 0).0[..40], first.0[..]);
}

#[test]
fn every_practice_validates_as_a_form_would() {
    let (organizations, practices) = corpus(3, 50, 1_000);
    for practice in &practices {
        let content = &practice.content;
        assert_eq!(
            content.to_input().validate().as_ref(),
            Ok(content),
            "{}",
            practice.slug
        );
        assert!(
            organizations
                .iter()
                .any(|o| o.id == content.lead_organization),
            "demo practices are led by demo organizations"
        );
        assert!(content.sections.len() >= 4);
        assert!(
            content.evidence.iter().all(|e| e.contains(".invalid/")),
            "sources point nowhere real"
        );
    }
    assert_eq!(practices[0].slug, "demo-s3-000001");
    assert!(practices.iter().any(|p| p.content.covid19));
    assert!(practices.iter().any(|p| !p.content.legal_basis.is_empty()));
    assert!(practices.iter().any(|p| p.content.partners.len() >= 2));
}

#[test]
fn practices_are_marked_and_one_in_seven_is_in_english() {
    let (_, practices) = corpus(11, 30, 2_000);
    let english = practices
        .iter()
        .filter(|p| {
            p.content
                .summary
                .ends_with(text::demo_notice(Language::English))
        })
        .count();
    let spanish = practices
        .iter()
        .filter(|p| {
            p.content
                .summary
                .ends_with(text::demo_notice(Language::Spanish))
        })
        .count();
    assert_eq!(
        english + spanish,
        practices.len(),
        "every summary says demo"
    );
    assert!(
        (200..=400).contains(&english),
        "{english} of 2000 in English"
    );
    // Practices gather where migration is: Tapachula and Tijuana lead.
    let in_context = practices
        .iter()
        .filter(|p| {
            p.content
                .municipalities
                .iter()
                .any(|m| ["07089", "02004"].contains(&m.as_str()))
        })
        .count();
    assert!(in_context > 1_500, "{in_context}");
}

#[test]
fn organizations_are_unique_fictitious_and_unverified() {
    let (organizations, _) = corpus(5, 3_000, 0);
    let names: HashSet<_> = organizations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), organizations.len());
    let ids: HashSet<_> = organizations.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), organizations.len());
    for o in &organizations {
        assert!(o.name.ends_with(" (demo s5)"), "{}", o.name);
        assert!(!o.provenance.verified && !o.founding_organizer);
        assert!(
            o.provenance
                .sources
                .iter()
                .all(|s| s.starts_with("https://demo.invalid/")),
            "{:?}",
            o.provenance
        );
        assert!(o.description.contains("datos de demostración"));
        assert_eq!(o.id.get_version_num(), 7);
    }
}

#[test]
fn missing_inputs_are_errors_not_panics() {
    let empty = Inputs::default();
    assert!(matches!(
        Generator::new(1, empty, 5),
        Err(DemoError::NoPlaces)
    ));
    let mut no_organizations = Generator::new(1, inputs(), 0).unwrap();
    assert!(matches!(
        no_organizations.practice(0),
        Err(DemoError::NoOrganizations)
    ));
}
