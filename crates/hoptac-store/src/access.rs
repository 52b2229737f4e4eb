//! Who may do what to which partnership: the one rule the server's authorisation asks.
//!
//! An account holds grants: a role, for a place or (admins, and readers of a private server)
//! everywhere. Roles build on each other — a reviewer may also edit, an editor also read — and a
//! grant for a place covers the partnerships that include that place, a unit within it, or a
//! unit it absorbed: a Quảng Ngãi reviewer decides Kon Tum–Attapeu facts, since Kon Tum merged
//! into Quảng Ngãi on 2025-07-01; a Kon Tum reviewer does not decide Hà Tĩnh–Bolikhamxai ones.

use hoptac_core::PlaceId;

use crate::dossier::with_predecessors;
use crate::model::Place;

/// What an account may be trusted with, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads (where the server is private; reading is public otherwise).
    Reader,
    /// Uploads documents and enters records by hand.
    Editor,
    /// Confirms, corrects and rejects facts.
    Reviewer,
    /// Accounts, roles, everything.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reader, Role::Editor, Role::Reviewer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// A role held for a place (`None`: everywhere).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grant {
    pub role: Role,
    pub place: Option<PlaceId>,
}

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    /// Upload a document, enter or edit a record by hand.
    Edit,
    /// Confirm, correct or reject a fact.
    Decide,
    /// Accounts, roles, the audit log.
    Administer,
}

impl Action {
    /// The least role that may do it.
    pub fn needs(self) -> Role {
        match self {
            Action::Read => Role::Reader,
            Action::Edit => Role::Editor,
            Action::Decide => Role::Reviewer,
            Action::Administer => Role::Admin,
        }
    }
}

/// Why a request was refused (worded for the person; the server logs it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The account holds no role that allows the action anywhere.
    Role { needs: Role },
    /// It does, but not for any place of this partnership.
    Place { needs: Role },
}

/// Does a grant for `grant_place` cover `party`? The place itself, a unit within it, or a unit it
/// absorbed (and the units within that).
fn covers(grant_place: &PlaceId, party: &PlaceId, places: &[Place]) -> bool {
    with_predecessors(grant_place, places).iter().any(|p| party == p || party.is_within(p))
}

/// Does a grant allow `action` on every partnership (an admin, or the role held without a place)?
pub fn allowed_everywhere(grants: &[Grant], action: Action) -> bool {
    grants.iter().any(|g| g.role >= action.needs() && (g.role == Role::Admin || g.place.is_none()))
}

/// May an account holding `grants` do `action` on a partnership of `parties`? `parties` empty:
/// an action on no partnership (a document not yet read, the account pages), which a role held
/// for any place allows — except administering, which needs an admin everywhere.
pub fn allowed(grants: &[Grant], action: Action, parties: &[PlaceId], places: &[Place]) -> Result<(), Refusal> {
    let needs = action.needs();
    let strong: Vec<&Grant> = grants.iter().filter(|g| g.role >= needs).collect();
    if strong.is_empty() {
        return Err(Refusal::Role { needs });
    }
    // Admins act everywhere; a role granted without a place holds everywhere.
    if strong.iter().any(|g| g.role == Role::Admin || g.place.is_none()) {
        return Ok(());
    }
    if action == Action::Administer {
        return Err(Refusal::Role { needs });
    }
    if parties.is_empty() {
        return Ok(());
    }
    let ours =
        strong.iter().filter_map(|g| g.place.as_ref()).any(|gp| parties.iter().any(|party| covers(gp, party, places)));
    if ours {
        Ok(())
    } else {
        Err(Refusal::Place { needs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<Place> {
        // Kon Tum (VN-28) merged into Quảng Ngãi (VN-29); the others stand.
        vec![
            Place::province("VN-28", Some("VN-29")),
            Place::province("VN-29", None),
            Place::province("VN-23", None),
            Place::province("LA-AT", None),
            Place::province("LA-BL", None),
        ]
    }

    fn grant(role: Role, place: Option<&str>) -> Grant {
        Grant { role, place: place.map(PlaceId::new) }
    }

    fn ids(xs: &[&str]) -> Vec<PlaceId> {
        xs.iter().map(|x| PlaceId::new(*x)).collect()
    }

    #[test]
    fn a_reviewer_decides_for_the_partnerships_of_their_place_and_its_successor_s_absorbed_units() {
        let ps = places();
        let kon_tum_attapeu = ids(&["VN-28", "LA-AT"]);
        let ha_tinh_bolikhamxai = ids(&["VN-23", "LA-BL"]);
        let kon_tum = [grant(Role::Reviewer, Some("VN-28"))];
        assert_eq!(allowed(&kon_tum, Action::Decide, &kon_tum_attapeu, &ps), Ok(()));
        assert_eq!(
            allowed(&kon_tum, Action::Decide, &ha_tinh_bolikhamxai, &ps),
            Err(Refusal::Place { needs: Role::Reviewer })
        );
        // Quảng Ngãi took Kon Tum over: its reviewer decides Kon Tum's facts, a district's too.
        let quang_ngai = [grant(Role::Reviewer, Some("VN-29"))];
        assert_eq!(allowed(&quang_ngai, Action::Decide, &kon_tum_attapeu, &ps), Ok(()));
        assert_eq!(allowed(&quang_ngai, Action::Decide, &ids(&["VN-28:ngochoi", "LA-AT:phouvong"]), &ps), Ok(()));
        // …but not the other way: Kon Tum's reviewer does not decide for all of Quảng Ngãi.
        assert!(allowed(&kon_tum, Action::Decide, &ids(&["VN-29", "LA-XE"]), &ps).is_err());
        // A Lao reviewer of Attapeu, from the other side.
        let attapeu = [grant(Role::Reviewer, Some("LA-AT"))];
        assert_eq!(allowed(&attapeu, Action::Decide, &kon_tum_attapeu, &ps), Ok(()));
        assert!(allowed(&attapeu, Action::Decide, &ha_tinh_bolikhamxai, &ps).is_err());
    }

    #[test]
    fn roles_build_on_each_other_and_admins_act_everywhere() {
        let ps = places();
        let pair = ids(&["VN-28", "LA-AT"]);
        let matrix = [
            (Role::Reader, [true, false, false, false]),
            (Role::Editor, [true, true, false, false]),
            (Role::Reviewer, [true, true, true, false]),
        ];
        let actions = [Action::Read, Action::Edit, Action::Decide, Action::Administer];
        for (role, expected) in matrix {
            let g = [grant(role, Some("VN-28"))];
            for (action, want) in actions.into_iter().zip(expected) {
                assert_eq!(allowed(&g, action, &pair, &ps).is_ok(), want, "{role:?} {action:?}");
            }
            // Without the place, only what the role allows nowhere in particular.
            let other = ids(&["VN-23", "LA-BL"]);
            assert!(allowed(&g, Action::Read, &other, &ps).is_err(), "{role:?} reads another pair");
        }
        let admin = [grant(Role::Admin, None)];
        for action in actions {
            assert_eq!(allowed(&admin, action, &ids(&["VN-23", "LA-BL"]), &ps), Ok(()));
        }
        // A reader of a private server, everywhere.
        let everywhere = [grant(Role::Reader, None)];
        assert_eq!(allowed(&everywhere, Action::Read, &pair, &ps), Ok(()));
        assert_eq!(allowed(&everywhere, Action::Edit, &pair, &ps), Err(Refusal::Role { needs: Role::Editor }));
        assert!(allowed_everywhere(&admin, Action::Decide));
        assert!(!allowed_everywhere(&[grant(Role::Reviewer, Some("LA-AT"))], Action::Decide));
        assert!(allowed_everywhere(&[grant(Role::Reviewer, None)], Action::Decide));
        assert!(!allowed_everywhere(&[grant(Role::Editor, None)], Action::Decide));
        // No grants: nothing.
        assert_eq!(allowed(&[], Action::Read, &pair, &ps), Err(Refusal::Role { needs: Role::Reader }));
    }

    #[test]
    fn actions_on_no_partnership_and_administering() {
        let ps = places();
        let editor = [grant(Role::Editor, Some("LA-AT"))];
        assert_eq!(allowed(&editor, Action::Edit, &[], &ps), Ok(()), "an upload before it is read");
        assert!(allowed(&editor, Action::Decide, &[], &ps).is_err());
        // An admin role tied to a place is still an admin; a reviewer never administers.
        assert_eq!(allowed(&[grant(Role::Admin, Some("LA-AT"))], Action::Administer, &[], &ps), Ok(()));
        assert!(allowed(&[grant(Role::Reviewer, None)], Action::Administer, &[], &ps).is_err());
        assert_eq!(Role::parse(" Reviewer "), Some(Role::Reviewer));
        assert_eq!(Role::parse("owner"), None);
    }
}
