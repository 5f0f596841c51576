//! Registration for events: a capacity, a waiting list, attendance. The rules
//! are pure so the store applies them inside its transaction and the tests
//! check them without a database.

use crate::taxonomy::vocabulary;

vocabulary!(
    RegistrationStatus, "registration-status" {
        Registered = "registered",
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
    }
);

/// Where a member asking for a place goes: registered while places remain
/// (or when the event has no limit), otherwise the waiting list.
pub fn placement(capacity: Option<u32>, registered: u64) -> RegistrationStatus {
    match capacity {
        Some(capacity) if registered >= u64::from(capacity) => RegistrationStatus::Waitlisted,
        _ => RegistrationStatus::Registered,
    }
}

/// How many of the waiting list move up when places free (a cancellation,
/// a larger capacity): as many as fit, at most as many as wait.
pub fn promotions(capacity: Option<u32>, registered: u64, waiting: u64) -> u64 {
    match capacity {
        None => waiting,
        Some(capacity) => u64::from(capacity).saturating_sub(registered).min(waiting),
    }
}

/// What the event page tells about registration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistrationSummary {
    pub capacity: Option<u32>,
    pub registered: u64,
    pub waitlisted: u64,
    /// The viewer's own status, if the viewer is a member who asked.
    pub mine: Option<RegistrationStatus>,
    /// The viewer's place on the waiting list, from 1.
    pub waiting_position: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_fill_then_the_waiting_list() {
        assert_eq!(placement(None, 1000), RegistrationStatus::Registered);
        assert_eq!(placement(Some(2), 1), RegistrationStatus::Registered);
        assert_eq!(placement(Some(2), 2), RegistrationStatus::Waitlisted);
        assert_eq!(placement(Some(2), 3), RegistrationStatus::Waitlisted);
    }

    #[test]
    fn freed_places_go_to_those_waiting() {
        assert_eq!(promotions(Some(2), 1, 5), 1);
        assert_eq!(promotions(Some(5), 1, 2), 2);
        assert_eq!(promotions(Some(2), 3, 5), 0);
        assert_eq!(promotions(None, 3, 5), 5);
    }
}
