//! Open Referral's Human Services Data Specification 3.0: organizations and
//! services as HSDS objects, so other directories (Signpost, 211 systems,
//! UNHCR's Services Advisor) can read ours. The CI validates the output
//! against the official JSON Schemas (`data/standards/hsds-3.0`).
//!
//! Nested records (locations, attributes, languages, schedules) have no ids of
//! their own in Acoge; they get UUIDv5 ids derived from their owner and
//! content, so the same data exports the same ids every time.

use acoge_domain::{
    directory::DirectoryEntry,
    geo::Coordinates,
    organization::Organization,
    provenance::is_web_address,
    service::{Service, ServiceCost, ServiceStatus},
};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Namespace of the derived ids (a fixed random UUID, so they never collide
/// with another system's v5 ids).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2d4e_8a3b_4c5d_9e0f_1a2b_3c4d_5e6f);

fn derived(owner: Uuid, what: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{owner}/{what}").as_bytes()).to_string()
}

fn insert_some(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

/// An organization. `description` is required by HSDS; an organization with
/// none exports an empty one rather than an invented text.
pub fn organization(org: &Organization, entry: Option<&DirectoryEntry>) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(org.id));
    object.insert("name".into(), json!(org.name));
    object.insert("description".into(), json!(org.description));
    insert_some(
        &mut object,
        "alternate_name",
        org.acronym.as_ref().map(|a| json!(a)),
    );
    if let Some(entry) = entry {
        let website = entry.website.as_deref().filter(|w| is_web_address(w));
        insert_some(&mut object, "website", website.map(|w| json!(w)));
        insert_some(
            &mut object,
            "year_incorporated",
            entry.founded.map(|y| json!(y)),
        );
    }
    Value::Object(object)
}

/// Where a service is, as HSDS needs it.
pub struct Place<'a> {
    pub municipality_name: &'a str,
    /// The municipality's seat, used when the service has no coordinates of
    /// its own (the location says it is approximate).
    pub seat: Option<Coordinates>,
}

/// A service with its organization, its location and its sectors as
/// attributes of the `acoge-sector` taxonomy.
pub fn service(service: &Service, organization: Value, place: &Place<'_>) -> Value {
    let id = service.id;
    let mut object = Map::new();
    object.insert("id".into(), json!(id));
    object.insert("organization_id".into(), json!(service.organization_id));
    object.insert("name".into(), json!(service.name));
    object.insert("description".into(), json!(service.description));
    let status = match service.status {
        ServiceStatus::Active => "active",
        ServiceStatus::Closed(_) => "defunct",
    };
    object.insert("status".into(), json!(status));
    let text = |value: &str| (!value.trim().is_empty()).then(|| json!(value));
    insert_some(
        &mut object,
        "eligibility_description",
        text(&service.eligibility),
    );
    insert_some(
        &mut object,
        "application_process",
        text(&service.how_to_access),
    );
    let fees = match service.cost {
        ServiceCost::Free => Some("Free of charge (gratuito)"),
        ServiceCost::Paid => Some("Has a cost (con costo)"),
        ServiceCost::Unknown => None,
    };
    insert_some(&mut object, "fees_description", fees.map(|f| json!(f)));
    if let ServiceStatus::Closed(note) = &service.status {
        insert_some(&mut object, "alert", text(note));
    }
    let assured = service.last_verified.filter(|d| d.is_complete());
    insert_some(
        &mut object,
        "assured_date",
        assured.map(|d| json!(d.to_string())),
    );
    object.insert(
        "languages".into(),
        Value::Array(
            service
                .languages
                .iter()
                .map(|code| {
                    json!({
                        "id": derived(id, &format!("language/{code}")),
                        "service_id": id,
                        "code": code,
                    })
                })
                .collect(),
        ),
    );
    if !service.hours.trim().is_empty() {
        object.insert(
            "schedules".into(),
            json!([{
                "id": derived(id, "schedule"),
                "service_id": id,
                "description": service.hours,
            }]),
        );
    }
    object.insert(
        "attributes".into(),
        Value::Array(
            service
                .sectors
                .iter()
                .map(|sector| {
                    let term = derived(NAMESPACE, &format!("sector/{}", sector.slug()));
                    json!({
                        "id": derived(id, &format!("sector/{}", sector.slug())),
                        "link_id": id,
                        "link_type": "service",
                        "link_entity": "service",
                        "taxonomy_term_id": term,
                        "taxonomy_term": {
                            "id": term,
                            "code": sector.slug(),
                            "name": sector.slug(),
                            "description": sector.message_key(),
                            "taxonomy": "acoge-sector",
                        },
                    })
                })
                .collect(),
        ),
    );
    let location_id = derived(id, &format!("location/{}", service.location.cvegeo));
    let mut location = Map::new();
    location.insert("id".into(), json!(location_id));
    location.insert("location_type".into(), json!("physical"));
    location.insert("organization_id".into(), json!(service.organization_id));
    location.insert("name".into(), json!(place.municipality_name));
    location.insert(
        "external_identifier".into(),
        json!(service.location.cvegeo.as_str()),
    );
    location.insert("external_identifier_type".into(), json!("INEGI CVEGEO"));
    let point = match (service.location.coordinates, place.seat) {
        (Some(own), _) => Some((own, None)),
        (None, Some(seat)) => Some((
            seat,
            Some("Approximate: the seat (cabecera) of the municipality"),
        )),
        (None, None) => None,
    };
    if let Some((point, note)) = point {
        location.insert("latitude".into(), json!(point.lat));
        location.insert("longitude".into(), json!(point.lon));
        insert_some(&mut location, "description", note.map(|n| json!(n)));
    }
    object.insert(
        "service_at_locations".into(),
        json!([{
            "id": derived(id, "service_at_location"),
            "service_id": id,
            "location_id": location_id,
            "location": Value::Object(location),
        }]),
    );
    object.insert("organization".into(), organization);
    Value::Object(object)
}

/// An HSDS 3.0 API page of results.
pub fn page(contents: Vec<Value>, total_items: u64, page_number: u32, size: u32) -> Value {
    let total_pages = total_items.div_ceil(u64::from(size.max(1)));
    json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": size,
        "first_page": page_number <= 1,
        "last_page": u64::from(page_number) >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_domain::{
        Cvegeo, Provenance,
        organization::{OrganizationKind, Scope},
        practice::Sector,
        service::ServiceLocation,
    };

    fn org() -> Organization {
        Organization {
            id: Uuid::now_v7(),
            name: "Casa del Migrante".into(),
            acronym: Some("CDM".into()),
            kind: OrganizationKind::Shelter,
            scope: Scope::Local,
            state_key: None,
            cvegeo: None,
            founding_organizer: false,
            description: String::new(),
            provenance: Provenance {
                sources: vec![],
                verified: false,
            },
        }
    }

    fn svc(org: Uuid) -> Service {
        Service {
            id: Uuid::now_v7(),
            organization_id: org,
            name: "Alojamiento".into(),
            description: "Albergue temporal".into(),
            sectors: vec![Sector::HousingShelter],
            populations: vec![],
            eligibility: String::new(),
            languages: vec!["es".into()],
            cost: ServiceCost::Free,
            hours: "24 h".into(),
            how_to_access: String::new(),
            capacity: Some(40),
            location: ServiceLocation {
                cvegeo: Cvegeo::parse("02004").unwrap(),
                address: None,
                coordinates: None,
            },
            status: ServiceStatus::Closed("Cerró en 2024".into()),
            last_verified: None,
            provenance: Provenance {
                sources: vec![],
                verified: true,
            },
        }
    }

    #[test]
    fn a_service_carries_its_location_sectors_and_organization_with_stable_ids() {
        let o = org();
        let s = svc(o.id);
        let seat = Coordinates {
            lat: 32.53,
            lon: -117.04,
        };
        let place = Place {
            municipality_name: "Tijuana",
            seat: Some(seat),
        };
        let first = service(&s, organization(&o, None), &place);
        let again = service(&s, organization(&o, None), &place);
        assert_eq!(first, again, "derived ids are stable");
        assert_eq!(first["status"], "defunct");
        assert_eq!(first["alert"], "Cerró en 2024");
        let location = &first["service_at_locations"][0]["location"];
        assert_eq!(location["latitude"], 32.53);
        assert!(
            location["description"]
                .as_str()
                .unwrap()
                .contains("Approximate")
        );
        assert_eq!(
            first["attributes"][0]["taxonomy_term"]["code"],
            "vivienda_albergue"
        );
        assert_eq!(first["organization"]["alternate_name"], "CDM");
        assert!(first.get("assured_date").is_none(), "no date is invented");
        assert_eq!(first["fees_description"], "Free of charge (gratuito)");
        let listed = page(vec![first], 41, 2, 20);
        assert_eq!(listed["total_pages"], 3);
        assert_eq!(listed["last_page"], false);
    }
}
