//! The guide's date-times: `yyyy-MM-dd HH:mm:ss` in the platform's zone, UTC+8 (Asia/Shanghai,
//! which has kept +08:00 all year since 1991), without an offset on the wire.
//!
//! [`DateTime`] and [`TimeRange`] are the spec's request types; here they get checked
//! constructors (a real calendar date: `2026-06-31` is refused), accessors, and conversions to
//! and from `jiff` and `chrono` behind the features of the same names. Responses keep the
//! strings the gateway sent (a future format never breaks decoding): [`DateTime::parse`] reads
//! one when you need it.

use crate::Error;
use crate::types::{DateTime, TimeRange};
use std::fmt;

/// The platform's offset from UTC, in hours.
pub const PLATFORM_UTC_OFFSET_HOURS: i8 = 8;

/// The calendar fields of a [`DateTime`], in the platform's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Civil {
    /// 0–9999.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31, within the month.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59.
    pub second: u8,
}

impl Civil {
    /// Refuses a date-time that does not exist, naming what is wrong.
    fn check(self) -> Result<Self, String> {
        let Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } = self;
        if year > 9999 {
            return Err(format!("year {year} is not 0–9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1–12"));
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&day) {
            return Err(format!("{year:04}-{month:02} has no day {day}"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(format!(
                "{hour:02}:{minute:02}:{second:02} is not a time of day"
            ));
        }
        Ok(self)
    }
}

impl fmt::Display for Civil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_request(None, message)
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

impl TimeRange {
    /// An inclusive range `[start, end]`, from strings (`"2026-06-01 00:00:00"`), [`DateTime`]s
    /// or, with the `jiff` / `chrono` features, their date-time types. Both ends must be real
    /// date-times and `start` must not be after `end`.
    ///
    /// ```
    /// use rizzitgo_open_api::types::TimeRange;
    /// let june = TimeRange::new("2026-06-01 00:00:00", "2026-06-30 23:59:59")?;
    /// assert_eq!(june.start().civil().month, 6);
    /// assert!(TimeRange::new("2026-07-01 00:00:00", "2026-06-01 00:00:00").is_err());
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn new<S, E>(start: S, end: E) -> Result<Self, Error>
    where
        S: TryInto<DateTime>,
        S::Error: fmt::Display,
        E: TryInto<DateTime>,
        E::Error: fmt::Display,
    {
        let end_of = |value: Result<DateTime, String>, which: &str| {
            value
                .and_then(|d| DateTime::parse(&d).map_err(|e| e.to_string()))
                .map_err(|e| invalid(format!("time range {which}: {e}")))
        };
        let start = end_of(start.try_into().map_err(|e| e.to_string()), "start")?;
        let end = end_of(end.try_into().map_err(|e| e.to_string()), "end")?;
        // Fixed-width strings: text order is time order.
        if *start > *end {
            return Err(invalid(format!(
                "time range: start {} is after end {}",
                *start, *end
            )));
        }
        Ok(TimeRange([start, end]))
    }

    /// The whole days from `first` to `last`, both included: `first 00:00:00` to
    /// `last 23:59:59`. Dates are `yyyy-MM-dd`.
    pub fn days(first: &str, last: &str) -> Result<Self, Error> {
        Self::new(format!("{first} 00:00:00"), format!("{last} 23:59:59"))
    }

    /// The first instant of the range.
    pub fn start(&self) -> &DateTime {
        &self.0[0]
    }

    /// The last instant of the range (included).
    pub fn end(&self) -> &DateTime {
        &self.0[1]
    }
}

#[cfg(feature = "jiff")]
mod with_jiff {
    //! `jiff`: civil date-times are platform time; instants are converted to UTC+8.
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
}

#[cfg(feature = "chrono")]
mod with_chrono {
    //! `chrono`: naive date-times are platform time; zoned ones are converted to UTC+8.
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
    }
}
