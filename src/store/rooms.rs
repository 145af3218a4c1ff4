//! Meeting rooms' details (`room_details`): seats, equipment and who may book them.

use super::{Store, StoreError};

/// What a room offers and who may book it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomDetails {
    /// Seats; 0 when not stated.
    pub capacity: i64,
    /// Words, e.g. `projector`, `video` (compared caselessly).
    pub equipment: Vec<String>,
    /// Department slugs or group logins whose members may book it; empty: everyone.
    pub bookers: Vec<String>,
}

fn words(text: &str) -> Vec<String> {
    text.split(',')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Meeting rooms' details.
#[async_trait::async_trait]
pub trait RoomRepo: Send + Sync {
    /// A room's details (the defaults when none were stated).
    async fn room_details(&self, principal_id: i64) -> Result<RoomDetails, StoreError>;

    /// States a room's details, replacing what was stated.
    async fn set_room_details(&self, principal_id: i64, d: &RoomDetails) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl RoomRepo for Store {
    async fn room_details(&self, principal_id: i64) -> Result<RoomDetails, StoreError> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT capacity, equipment, bookers FROM room_details WHERE principal_id = $1")
                .bind(principal_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(
            row.map_or_else(RoomDetails::default, |(capacity, equipment, bookers)| RoomDetails {
                capacity,
                equipment: words(&equipment),
                bookers: words(&bookers),
            }),
        )
    }

    async fn set_room_details(&self, principal_id: i64, d: &RoomDetails) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO room_details (principal_id, capacity, equipment, bookers) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (principal_id) DO UPDATE SET capacity = excluded.capacity, equipment = excluded.equipment, \
             bookers = excluded.bookers",
        )
        .bind(principal_id)
        .bind(d.capacity)
        .bind(d.equipment.join(","))
        .bind(d.bookers.join(","))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
