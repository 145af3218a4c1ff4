//! The `job_marks` table: how far each background job has got (a time, for the reminder job),
//! kept across restarts.

use super::{Store, StoreError};

/// How far the background jobs have got.
#[async_trait::async_trait]
pub trait JobRepo: Send + Sync {
    /// The job's mark, if it has set one.
    async fn job_mark(&self, job: &str) -> Result<Option<i64>, StoreError>;

    /// Sets the job's mark.
    async fn set_job_mark(&self, job: &str, mark: i64) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl JobRepo for Store {
    async fn job_mark(&self, job: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT mark FROM job_marks WHERE name = $1")
            .bind(job)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(mark,)| mark))
    }

    async fn set_job_mark(&self, job: &str, mark: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO job_marks (name, mark) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET mark = excluded.mark",
        )
        .bind(job)
        .bind(mark)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
