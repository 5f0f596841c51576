//! Instants in the database: INTEGER microseconds since the Unix epoch on
//! SQLite (integers sort correctly, text timestamps do not), native
//! `timestamptz` on PostgreSQL (microsecond precision, readable in psql).

use acoge_domain::Timestamp;
use sqlx::{
    Decode, Encode, Postgres, Sqlite, Type,
    encode::IsNull,
    error::BoxDynError,
    postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef},
    sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef},
};

/// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch.
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbTime(pub Timestamp);

/// For rows that decode an instant straight into a domain type
/// (`#[sqlx(try_from = "DbTime")]`).
impl From<DbTime> for Timestamp {
    fn from(time: DbTime) -> Self {
        time.0
    }
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for DbTime {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<Sqlite>>::encode(self.0.as_micros(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self(Timestamp::from_micros(
            <i64 as Decode<Sqlite>>::decode(value)?,
        )))
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("timestamptz")
    }
}

impl Encode<'_, Postgres> for DbTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        // timestamptz's binary form is i64 microseconds since 2000-01-01 UTC.
        let micros = self.0.as_micros() - POSTGRES_EPOCH_MICROS;
        <i64 as Encode<Postgres>>::encode(micros, buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let micros = <i64 as Decode<Postgres>>::decode(value)?;
                Ok(Self(Timestamp::from_micros(micros + POSTGRES_EPOCH_MICROS)))
            }
            PgValueFormat::Text => {
                let text = value.as_str()?;
                let ts: jiff::Timestamp = text.replace(' ', "T").parse()?;
                Ok(Self(Timestamp::from_jiff(ts)))
            }
        }
    }
}
