//! Civil dates in UTC+8, the gateway's zone (guide §3): the mock has no date crate, and needs
//! only these conversions (its recent QC records, date-times sent as epoch milliseconds).

use std::time::{SystemTime, UNIX_EPOCH};

/// The gateway's offset from UTC.
const OFFSET_SECS: i64 = 8 * 3600;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (the inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Today's date in UTC+8, as days since 1970-01-01, by the system clock.
pub(crate) fn today() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    (secs + OFFSET_SECS).div_euclid(86_400)
}

/// `yyyy-MM-dd` as days since 1970-01-01, if it is a real date.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let (year, month, day) = (
        s[0..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..10].parse().ok()?,
    );
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// `yyyy-MM-dd HH:mm:ss` of `days` after 1970-01-01 and `secs` into that day.
pub(crate) fn date_time(days: i64, secs: u32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Epoch milliseconds of a real `yyyy-MM-dd HH:mm:ss` (a calendar date, a time of day within
/// 00:00:00–23:59:59, no leap seconds) read in UTC+8; `None` for anything else.
pub(crate) fn epoch_millis(date_time: &str) -> Option<i64> {
    let b = date_time.as_bytes();
    let shape = b.len() == 19
        && (b[10], b[13], b[16]) == (b' ', b':', b':')
        && [11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape {
        return None;
    }
    // Byte 10 is ASCII: a char boundary.
    let days = parse_date(&date_time[..10])?;
    let num = |from: usize, to: usize| date_time[from..to].parse::<i64>().ok();
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    (hour < 24 && minute < 60 && second < 60)
        .then(|| ((days * 86_400 + hour * 3600 + minute * 60 + second) - OFFSET_SECS) * 1000)
}

/// A real `yyyy-MM-dd HH:mm:ss` date-time (see [`epoch_millis`]).
pub(crate) fn is_valid_date_time(date_time: &str) -> bool {
    epoch_millis(date_time).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_over_centuries() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2026, 6, 2), 20_606);
    }

    #[test]
    fn only_real_dates_parse() {
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-06-31",
            "2026-6-01",
            "20260601",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_millis_read_utc_plus_8() {
        assert_eq!(epoch_millis("1970-01-01 08:00:00"), Some(0));
        // The guide's 7.2 completion time.
        assert_eq!(epoch_millis("2026-06-02 18:30:00"), Some(1_780_396_200_000));
        assert_eq!(
            date_time(20_606, 18 * 3600 + 30 * 60),
            "2026-06-02 18:30:00"
        );
    }
}
