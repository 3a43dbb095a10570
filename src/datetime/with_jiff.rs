//! `jiff`: civil date-times are platform time; instants are converted to UTC+8. Needs the
//! feature `jiff`.
use super::*;

fn platform_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(PLATFORM_UTC_OFFSET_HOURS))
}

impl TryFrom<jiff::civil::DateTime> for DateTime {
    type Error = Error;

    /// A civil date-time, read as platform time (sub-seconds dropped).
    fn try_from(value: jiff::civil::DateTime) -> Result<Self, Error> {
        let year = u16::try_from(value.year())
            .map_err(|_| invalid(format!("date-time: year {} is not 0–9999", value.year())))?;
        DateTime::from_civil(Civil {
            year,
            month: value.month().unsigned_abs(),
            day: value.day().unsigned_abs(),
            hour: value.hour().unsigned_abs(),
            minute: value.minute().unsigned_abs(),
            second: value.second().unsigned_abs(),
        })
    }
}

impl TryFrom<jiff::Timestamp> for DateTime {
    type Error = Error;

    /// An instant, as the platform's wall-clock time (UTC+8).
    fn try_from(value: jiff::Timestamp) -> Result<Self, Error> {
        DateTime::try_from(value.to_zoned(platform_zone()).datetime())
    }
}

impl TryFrom<&jiff::Zoned> for DateTime {
    type Error = Error;

    /// A zoned date-time, converted to the platform's wall-clock time (UTC+8).
    fn try_from(value: &jiff::Zoned) -> Result<Self, Error> {
        DateTime::try_from(value.timestamp())
    }
}

impl DateTime {
    /// As a `jiff` civil date-time (platform time, UTC+8).
    pub fn to_jiff_civil(&self) -> jiff::civil::DateTime {
        let c = self.civil();
        // Checked when the value was made: a valid date-time.
        jiff::civil::DateTime::new(
            c.year as i16,
            c.month as i8,
            c.day as i8,
            c.hour as i8,
            c.minute as i8,
            c.second as i8,
            0,
        )
        .unwrap_or_default()
    }

    /// As an instant: this platform time at UTC+8.
    pub fn to_jiff_timestamp(&self) -> jiff::Timestamp {
        self.to_jiff_civil()
            .to_zoned(platform_zone())
            .map(|z| z.timestamp())
            .unwrap_or_default()
    }
}
