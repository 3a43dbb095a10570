//! The calendar behind [`DateTime`](crate::types::DateTime): the fields of a date-time in the
//! platform's zone, which of them exist, and the days of the proleptic Gregorian calendar.

use std::fmt;

/// The calendar fields of a [`DateTime`](crate::types::DateTime), in the platform's zone.
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
    pub(super) fn check(self) -> Result<Self, String> {
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
pub(super) fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The calendar date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
pub(super) fn civil_from_days(days: i64) -> (i64, u8, u8) {
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
