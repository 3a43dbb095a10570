//! `chrono`: naive date-times are platform time; zoned ones are converted to UTC+8. Needs
//! the feature `chrono`.
use super::*;
use chrono::{Datelike, FixedOffset, TimeZone, Timelike};

fn platform_offset() -> FixedOffset {
    FixedOffset::east_opt(i32::from(PLATFORM_UTC_OFFSET_HOURS) * 3600)
        .expect("+08:00 is a valid offset")
}

impl TryFrom<chrono::NaiveDateTime> for DateTime {
    type Error = Error;

    /// A naive date-time, read as platform time (sub-seconds dropped).
    fn try_from(value: chrono::NaiveDateTime) -> Result<Self, Error> {
        let year = u16::try_from(value.year())
            .map_err(|_| invalid(format!("date-time: year {} is not 0–9999", value.year())))?;
        let narrow = |n: u32| u8::try_from(n).unwrap_or(u8::MAX);
        DateTime::from_civil(Civil {
            year,
            month: narrow(value.month()),
            day: narrow(value.day()),
            hour: narrow(value.hour()),
            minute: narrow(value.minute()),
            second: narrow(value.second()),
        })
    }
}

impl<Tz: TimeZone> TryFrom<chrono::DateTime<Tz>> for DateTime {
    type Error = Error;

    /// A zoned date-time, converted to the platform's wall-clock time (UTC+8).
    fn try_from(value: chrono::DateTime<Tz>) -> Result<Self, Error> {
        DateTime::try_from(value.with_timezone(&platform_offset()).naive_local())
    }
}

impl DateTime {
    /// As a `chrono` naive date-time (platform time, UTC+8).
    pub fn to_chrono_naive(&self) -> chrono::NaiveDateTime {
        let c = self.civil();
        chrono::NaiveDate::from_ymd_opt(i32::from(c.year), c.month.into(), c.day.into())
            .and_then(|d| d.and_hms_opt(c.hour.into(), c.minute.into(), c.second.into()))
            .unwrap_or_default()
    }

    /// As an instant in UTC: this platform time at UTC+8.
    pub fn to_chrono_utc(&self) -> chrono::DateTime<chrono::Utc> {
        platform_offset()
            .from_local_datetime(&self.to_chrono_naive())
            .single()
            .map(|d| d.to_utc())
            .unwrap_or_default()
    }
}
