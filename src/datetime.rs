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
        if !(1..=days_in_month(year, month)).contains(&day) {
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

/// The number of days of a month (1–12) of the proleptic Gregorian calendar.
fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The calendar date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
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

    /// The calendar month `month` (1–12) of `year`, from its first second to its last:
    /// `TimeRange::month(2026, 6)` is `2026-06-01 00:00:00` to `2026-06-30 23:59:59`. A month
    /// or year out of range is an error naming it (`error.field()` is `"month"` / `"year"`).
    ///
    /// ```
    /// use rizzitgo_open_api::types::TimeRange;
    /// let june = TimeRange::month(2026, 6)?;
    /// println!("{june}"); // 2026-06-01 00:00:00 – 2026-06-30 23:59:59
    /// assert_eq!(june.end().as_str(), "2026-06-30 23:59:59");
    /// assert_eq!(TimeRange::month(2028, 2)?.end().as_str(), "2028-02-29 23:59:59");
    /// let error = TimeRange::month(2026, 13).unwrap_err();
    /// assert_eq!(error.field(), Some("month"));
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn month(year: u16, month: u8) -> Result<Self, Error> {
        if year > 9999 {
            return Err(Error::invalid_field(
                None,
                "year",
                format!("year {year} is not 0–9999"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::invalid_field(
                None,
                "month",
                format!("month {month} is not 1–12"),
            ));
        }
        let last = days_in_month(year, month);
        Self::new(
            format!("{year:04}-{month:02}-01 00:00:00"),
            format!("{year:04}-{month:02}-{last:02} 23:59:59"),
        )
    }

    /// The calendar month (platform time, UTC+8) that `at` falls in: a string, a
    /// [`DateTime`] (`DateTime::now()`), or with the `jiff` / `chrono` features their types
    /// (an instant is first converted to UTC+8).
    ///
    /// ```
    /// use rizzitgo_open_api::types::{DateTime, TimeRange};
    /// let this_month = TimeRange::month_of(DateTime::now())?;
    /// assert!(this_month.start() <= this_month.end());
    /// assert_eq!(TimeRange::month_of("2026-06-15 12:00:00")?, TimeRange::month(2026, 6)?);
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn month_of<T>(at: T) -> Result<Self, Error>
    where
        T: TryInto<DateTime>,
        T::Error: fmt::Display,
    {
        let civil = date_time(at, "at")?.civil();
        Self::month(civil.year, civil.month)
    }

    /// The calendar month before the one `at` falls in (platform time, UTC+8): the range of a
    /// monthly sync job. January's previous month is December of the year before.
    ///
    /// ```
    /// use rizzitgo_open_api::types::{DateTime, TimeRange};
    /// let last_month = TimeRange::previous_month(DateTime::now())?;
    /// let range = TimeRange::previous_month("2026-01-10 08:00:00")?;
    /// assert_eq!(range, TimeRange::month(2025, 12)?);
    /// # #[cfg(feature = "jiff")] {
    /// // 2026-06-30T16:00:00Z is already July 1st in UTC+8: the previous month is June.
    /// let instant: jiff::Timestamp = "2026-06-30T16:00:00Z".parse().unwrap();
    /// assert_eq!(TimeRange::previous_month(instant)?, TimeRange::month(2026, 6)?);
    /// # }
    /// # #[cfg(feature = "chrono")] {
    /// let instant = chrono::DateTime::parse_from_rfc3339("2026-06-30T16:00:00Z").unwrap();
    /// assert_eq!(TimeRange::previous_month(instant)?, TimeRange::month(2026, 6)?);
    /// # }
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn previous_month<T>(at: T) -> Result<Self, Error>
    where
        T: TryInto<DateTime>,
        T::Error: fmt::Display,
    {
        let civil = date_time(at, "at")?.civil();
        match civil.month {
            1 => match civil.year.checked_sub(1) {
                Some(year) => Self::month(year, 12),
                None => Err(Error::invalid_field(
                    None,
                    "at",
                    "at: the month before January of year 0 is out of range",
                )),
            },
            month => Self::month(civil.year, month - 1),
        }
    }

    /// The whole calendar day (platform time, UTC+8) that `at` falls in: `00:00:00` to
    /// `23:59:59`.
    ///
    /// ```
    /// use rizzitgo_open_api::types::TimeRange;
    /// let day = TimeRange::day_of("2026-06-02 18:30:00")?;
    /// assert_eq!(day, TimeRange::days("2026-06-02", "2026-06-02")?);
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn day_of<T>(at: T) -> Result<Self, Error>
    where
        T: TryInto<DateTime>,
        T::Error: fmt::Display,
    {
        let at = date_time(at, "at")?;
        let date = &at[..10];
        Self::days(date, date)
    }

    /// Today in the platform's zone (UTC+8), whatever the local zone: the day of
    /// [`DateTime::now`].
    ///
    /// ```
    /// use rizzitgo_open_api::types::TimeRange;
    /// let today = TimeRange::today();
    /// assert!(today.start().ends_with(" 00:00:00"));
    /// ```
    pub fn today() -> Self {
        let now = DateTime::now();
        let date = &now[..10];
        // A date taken from a valid date-time makes a valid day.
        Self::days(date, date).expect("the day of a valid date-time")
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
}

#[cfg(feature = "chrono")]
mod with_chrono {
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
