/// Spark's text forms of values (what `spark-sql` prints and Spark's CSV writer writes).
public enum SparkFormat {
    /// A double as Java's `Double.toString` writes it: `1.0`, `0.001`, `1.0E7`, `1.5E-4`,
    /// `NaN`, `Infinity`.
    public static func double(_ d: Double) -> String {
        DateTime.formatDouble(d)
    }

    /// `yyyy-MM-dd`.
    public static func date(_ days: Int64) -> String { DateTime.formatDate(days) }

    /// `yyyy-MM-dd HH:mm:ss[.ffffff]`, trailing zeros of the fraction dropped, as Spark prints.
    public static func timestamp(_ micros: Int64) -> String { DateTime.formatTimestamp(micros) }
}
