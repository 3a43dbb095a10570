//! The ranges every sync job needs: a month, the month of or before a date-time, a day, today
//! (all in the platform's zone), and checked constructors of [`TimeRange`].

use super::*;

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
