//! The rules for Pins: where they live, who sees them, and their lists.

use crate::domain::caller::Caller;
use crate::domain::ids::{BoardId, PinId, SectionId};
use crate::domain::page::ListKind;
use crate::domain::{Listing, PageRequest, Pinbox};
use crate::error::Result;

impl Pinbox {
    /// The Pins on a board, or on one of its sections, newest first.
    pub async fn list_board_pins(
        &self,
        caller: &Caller,
        board_id: BoardId,
        section: Option<SectionId>,
        page: PageRequest,
    ) -> Result<Listing<PinId>> {
        let board = self.readable_board(caller, board_id).await?;
        let (kind, context) = match section {
            Some(s) => {
                self.existing_section(board.id, s).await?;
                (ListKind::SectionPins, s.0)
            }
            None => (ListKind::BoardPins, board.id.0),
        };
        self.resume_after(&page, kind, context)?;
        // No Pins exist until Pins can be created.
        Ok(Listing {
            items: Vec::new(),
            bookmark: None,
        })
    }
}
