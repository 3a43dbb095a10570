//! The guide's date-times: `yyyy-MM-dd HH:mm:ss` in the platform's zone, UTC+8 (Asia/Shanghai,
//! which has kept +08:00 all year since 1991), without an offset on the wire.
//!
//! [`DateTime`] and [`TimeRange`] are the spec's request types; here they get checked
//! constructors (a real calendar date: `2026-06-31` is refused), accessors, and conversions to
//! and from `jiff` and `chrono` behind the features of the same names. Responses keep the
//! strings the gateway sent (a future format never breaks decoding): [`DateTime::parse`] reads
//! one when you need it.
//!
//! What a [`DateTime`] also is (its generated impls): it displays as its text
//! (`println!("{}", range.start())`), derefs to `String` (`.as_str()`, comparisons; the text
//! order is the time order), parses with `"2026-06-01 00:00:00".parse::<DateTime>()` (`FromStr`,
//! the shape only: use [`DateTime::parse`] for a real calendar date) and turns back into its
//! `String` with `String::from`.
//!
//! The ranges every sync job needs: [`TimeRange::month`] (`TimeRange::month(2026, 6)`),
//! [`TimeRange::month_of`], [`TimeRange::previous_month`], [`TimeRange::day_of`] and
//! [`TimeRange::today`], from any date-time the constructors take (`DateTime::now()`, a string,
//! jiff's and chrono's types); all in the platform's zone.

use crate::Error;
use crate::clock::{Clock, SystemClock};
use crate::types::{DateTime, TimeRange};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

mod calendar;
mod range;
#[cfg(feature = "chrono")]
mod with_chrono;
#[cfg(feature = "jiff")]
mod with_jiff;

pub use calendar::Civil;
use calendar::{civil_from_days, days_in_month};
/// The platform's offset from UTC, in hours.
pub const PLATFORM_UTC_OFFSET_HOURS: i8 = 8;

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_request(None, message)
}

impl fmt::Display for DateTime {
    /// The wire text, `yyyy-MM-dd HH:mm:ss` (platform time, UTC+8).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TimeRange {
    /// `start – end`, both as on the wire.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.start(), self.end())
    }
}

impl TryFrom<SystemTime> for DateTime {
    type Error = Error;

    /// An instant, as the platform's wall-clock time (UTC+8; sub-seconds dropped).
    fn try_from(value: SystemTime) -> Result<Self, Error> {
        let seconds = match value.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            // Before 1970: count back, rounding down to the whole second.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                -whole - i64::from(before.subsec_nanos() > 0)
            }
        };
        DateTime::from_unix_seconds(seconds)
    }
}

impl DateTime {
    /// The platform's wall-clock time (UTC+8) `seconds` after 1970-01-01 00:00:00 UTC.
    pub(crate) fn from_unix_seconds(seconds: i64) -> Result<Self, Error> {
        let local = seconds.saturating_add(i64::from(PLATFORM_UTC_OFFSET_HOURS) * 3600);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let of_day = local.rem_euclid(86_400);
        let year = u16::try_from(year)
            .map_err(|_| invalid(format!("date-time: year {year} is not 0–9999")))?;
        DateTime::from_civil(Civil {
            year,
            month,
            day,
            hour: (of_day / 3600) as u8,
            minute: (of_day / 60 % 60) as u8,
            second: (of_day % 60) as u8,
        })
    }
}

/// A value the range helpers take, as a checked date-time (`what` names it in the error).
fn date_time<T>(value: T, what: &'static str) -> Result<DateTime, Error>
where
    T: TryInto<DateTime>,
    T::Error: fmt::Display,
{
    value
        .try_into()
        .map_err(|e| e.to_string())
        .and_then(|d| DateTime::parse(&d).map_err(|e| e.to_string()))
        .map_err(|e| Error::invalid_field(None, what, format!("{what}: {e}")))
}

impl DateTime {
    /// Parses `yyyy-MM-dd HH:mm:ss` (platform time, UTC+8), refusing a date-time that does not
    /// exist. Use it on the strings of responses (`QcDetail::completion_time`, …).
    ///
    /// ```
    /// use rizzitgo_open_api::types::DateTime;
    /// let done = DateTime::parse("2026-06-02 18:30:00")?;
    /// assert_eq!(done.civil().day, 2);
    /// assert!(DateTime::parse("2026-06-31 00:00:00").is_err());
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bytes = text.as_bytes();
        let shape = bytes.len() == 19
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b' ',
                13 | 16 => *b == b':',
                _ => b.is_ascii_digit(),
            });
        if !shape {
            return Err(invalid(format!(
                "date-time {text:?} is not `yyyy-MM-dd HH:mm:ss`"
            )));
        }
        let number =
            |range: std::ops::Range<usize>| -> u16 { text[range].parse().unwrap_or(u16::MAX) };
        let narrow = |range| u8::try_from(number(range)).unwrap_or(u8::MAX);
        Self::from_civil(Civil {
            year: number(0..4),
            month: narrow(5..7),
            day: narrow(8..10),
            hour: narrow(11..13),
            minute: narrow(14..16),
            second: narrow(17..19),
        })
    }

    /// The current platform time (UTC+8) from the system clock, to the second.
    ///
    /// ```
    /// use rizzitgo_open_api::types::DateTime;
    /// let now = DateTime::now();
    /// println!("it is {now} in Shanghai");
    /// assert!(now.as_str() >= "2026-01-01 00:00:00");
    /// ```
    pub fn now() -> Self {
        // Only a system clock past the year 9999 fails: the last representable second then.
        Self::try_from(SystemClock.wall()).unwrap_or_else(|_| Self::latest())
    }

    fn latest() -> Self {
        Self::try_from("9999-12-31 23:59:59").expect("a constant of the right shape")
    }

    /// A date-time from its calendar fields (platform time, UTC+8), checked.
    pub fn from_civil(civil: Civil) -> Result<Self, Error> {
        let civil = civil
            .check()
            .map_err(|e| invalid(format!("date-time: {e}")))?;
        Self::try_from(civil.to_string()).map_err(|e| invalid(format!("date-time: {e}")))
    }

    /// The calendar fields (platform time, UTC+8).
    pub fn civil(&self) -> Civil {
        let n = |range: std::ops::Range<usize>| -> u16 { self[range].parse().unwrap_or_default() };
        let narrow = |range| u8::try_from(n(range)).unwrap_or_default();
        Civil {
            year: n(0..4),
            month: narrow(5..7),
            day: narrow(8..10),
            hour: narrow(11..13),
            minute: narrow(14..16),
            second: narrow(17..19),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_only() {
        assert!(DateTime::parse("2024-02-29 23:59:59").is_ok());
        for bad in [
            "2026-02-29 00:00:00",
            "2026-06-31 00:00:00",
            "2026-13-01 00:00:00",
            "2026-06-01 24:00:00",
            "2026-06-01 00:60:00",
            "2026-06-01T00:00:00",
            "2026-6-1 00:00:00",
        ] {
            let error = DateTime::parse(bad).unwrap_err();
            assert!(error.is_invalid_request(), "{bad}: {error}");
        }
    }

    #[test]
    fn ranges_are_ordered_and_made_of_real_dates() {
        let june = TimeRange::days("2026-06-01", "2026-06-30").unwrap();
        assert_eq!(june.start().as_str(), "2026-06-01 00:00:00");
        assert_eq!(june.end().as_str(), "2026-06-30 23:59:59");
        let error = TimeRange::new("2026-06-30 00:00:00", "2026-06-01 00:00:00").unwrap_err();
        assert!(error.to_string().contains("after"), "{error}");
        let error = TimeRange::new("2026-06-01 00:00:00", "2026-06-31 00:00:00").unwrap_err();
        assert!(error.to_string().contains("end"), "{error}");
        let error = TimeRange::new("June 1", "2026-06-31 00:00:00").unwrap_err();
        assert!(error.to_string().contains("start"), "{error}");
        // Equal ends: a one-second range.
        TimeRange::new("2026-06-01 00:00:00", "2026-06-01 00:00:00").unwrap();
    }

    #[test]
    fn date_times_display_as_their_text() {
        let june = TimeRange::month(2026, 6).unwrap();
        assert_eq!(format!("{}", june.start()), "2026-06-01 00:00:00");
        assert_eq!(
            june.to_string(),
            "2026-06-01 00:00:00 – 2026-06-30 23:59:59"
        );
    }

    #[test]
    fn months_have_their_days_and_bad_fields_are_named() {
        assert_eq!(
            TimeRange::month(2026, 2).unwrap().end().as_str(),
            "2026-02-28 23:59:59"
        );
        assert_eq!(
            TimeRange::month(2000, 2).unwrap().end().as_str(),
            "2000-02-29 23:59:59"
        );
        assert_eq!(
            TimeRange::month(1900, 2).unwrap().end().as_str(),
            "1900-02-28 23:59:59"
        );
        for (year, month, field) in [(2026, 13, "month"), (2026, 0, "month"), (10_000, 1, "year")] {
            let error = TimeRange::month(year, month).unwrap_err();
            assert!(error.is_invalid_request(), "{error}");
            assert_eq!(error.field(), Some(field), "{error}");
        }
        let error = TimeRange::previous_month("2026-02-30 00:00:00").unwrap_err();
        assert_eq!(error.field(), Some("at"), "{error}");
        assert!(error.to_string().contains("no day 30"), "{error}");
        let error = TimeRange::previous_month("0000-01-15 00:00:00").unwrap_err();
        assert_eq!(error.field(), Some("at"), "{error}");
    }

    #[test]
    fn previous_and_current_months() {
        let at = DateTime::parse("2026-03-31 23:59:59").unwrap();
        assert_eq!(
            TimeRange::previous_month(at.clone()).unwrap(),
            TimeRange::days("2026-02-01", "2026-02-28").unwrap()
        );
        assert_eq!(
            TimeRange::month_of(at).unwrap(),
            TimeRange::days("2026-03-01", "2026-03-31").unwrap()
        );
        assert_eq!(
            TimeRange::previous_month("2026-01-01 00:00:00").unwrap(),
            TimeRange::month(2025, 12).unwrap()
        );
    }

    #[test]
    fn system_time_is_read_as_platform_time() {
        use std::time::Duration;
        // 2026-06-01T16:00:00Z is 2026-06-02 00:00:00 in UTC+8.
        let instant = UNIX_EPOCH + Duration::from_secs(1_780_329_600);
        assert_eq!(
            DateTime::try_from(instant).unwrap().as_str(),
            "2026-06-02 00:00:00"
        );
        assert_eq!(
            DateTime::try_from(instant - Duration::from_secs(1))
                .unwrap()
                .as_str(),
            "2026-06-01 23:59:59"
        );
        assert_eq!(
            DateTime::try_from(UNIX_EPOCH - Duration::from_millis(500))
                .unwrap()
                .as_str(),
            "1970-01-01 07:59:59"
        );
        // Leap days and century years, against the day count.
        for (days, date) in [
            (0, (1970, 1, 1)),
            (11_016, (2000, 2, 29)),
            (-25_508, (1900, 3, 1)),
            (20_605, (2026, 6, 1)),
        ] {
            assert_eq!(civil_from_days(days), date);
        }
        // Either day, should midnight (UTC+8) fall between the calls.
        let before = DateTime::now();
        let today = TimeRange::today();
        let after = DateTime::now();
        let day = &today.start()[..10];
        assert!(day == &before[..10] || day == &after[..10], "{today}");
    }

    #[cfg(feature = "jiff")]
    #[test]
    fn jiff_instants_are_converted_to_platform_time() {
        let instant: jiff::Timestamp = "2026-06-01T16:00:00Z".parse().unwrap();
        let platform = DateTime::try_from(instant).unwrap();
        assert_eq!(platform.as_str(), "2026-06-02 00:00:00");
        assert_eq!(platform.to_jiff_timestamp(), instant);
        let civil = jiff::civil::date(2026, 6, 2).at(18, 30, 0, 0);
        assert_eq!(DateTime::try_from(civil).unwrap().to_jiff_civil(), civil);
        let range = TimeRange::new(civil, instant).unwrap_err();
        assert!(range.to_string().contains("after"), "{range}");
        // Month helpers take jiff's values: 16:00Z on June 30th is July 1st in UTC+8.
        let late: jiff::Timestamp = "2026-06-30T16:00:00Z".parse().unwrap();
        assert_eq!(
            TimeRange::previous_month(late).unwrap(),
            TimeRange::month(2026, 6).unwrap()
        );
        let zoned = late.to_zoned(jiff::tz::TimeZone::UTC);
        assert_eq!(
            TimeRange::month_of(&zoned).unwrap(),
            TimeRange::month(2026, 7).unwrap()
        );
        assert_eq!(
            TimeRange::day_of(jiff::civil::date(2026, 6, 2).at(18, 30, 0, 0)).unwrap(),
            TimeRange::days("2026-06-02", "2026-06-02").unwrap()
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_instants_are_converted_to_platform_time() {
        let instant = chrono::DateTime::parse_from_rfc3339("2026-06-01T16:00:00Z").unwrap();
        let platform = DateTime::try_from(instant).unwrap();
        assert_eq!(platform.as_str(), "2026-06-02 00:00:00");
        assert_eq!(platform.to_chrono_utc(), instant.to_utc());
        let naive = platform.to_chrono_naive();
        assert_eq!(DateTime::try_from(naive).unwrap(), platform);
        // Month helpers take chrono's values: 16:00Z on June 30th is July 1st in UTC+8.
        let late = chrono::DateTime::parse_from_rfc3339("2026-06-30T16:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            TimeRange::previous_month(late).unwrap(),
            TimeRange::month(2026, 6).unwrap()
        );
        assert_eq!(
            TimeRange::month_of(late.naive_utc()).unwrap(),
            TimeRange::month(2026, 6).unwrap()
        );
    }
}
