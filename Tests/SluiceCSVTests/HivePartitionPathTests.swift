import SluiceCore
@testable import SluiceCSV
import Testing

@Suite struct HivePartitionPathTests {
    @Test(arguments: [
        ("2024-03-05", "2024-03-05"),
        ("a/b", "a%2Fb"),
        ("k=v", "k%3Dv"),
        ("100%", "100%25"),
        ("10:30", "10%3A30"),
        ("..", ".."),
        ("../up", "..%2Fup"),
        ("line\nbreak", "line%0Abreak"),
        ("tab\there", "tab%09here"),
        ("\"#'*?\\{[]^", "%22%23%27%2A%3F%5C%7B%5B%5D%5E"),
        ("} stays", "} stays"),
        ("Zürich", "Zürich"),
        ("del\u{7F}", "del%7F"),
    ])
    func escapesAsHive(_ raw: String, _ escaped: String) {
        #expect(HivePartitionPath.escape(raw) == escaped)
        #expect(HivePartitionPath.unescape(escaped) == raw)
    }

    @Test func directoryNames() {
        #expect(HivePartitionPath.directoryName(column: "dt", value: .date(19787)) == "dt=2024-03-05")
        #expect(HivePartitionPath.directoryName(column: "ts", value: .timestamp(1_709_634_600_000_000)) == "ts=2024-03-05 10%3A30%3A00")
        #expect(HivePartitionPath.directoryName(column: "k", value: .null) == "k=__HIVE_DEFAULT_PARTITION__")
        #expect(HivePartitionPath.directoryName(column: "k", value: .string("")) == "k=__HIVE_DEFAULT_PARTITION__")
        #expect(HivePartitionPath.directoryName(column: "k", value: .string(""), defaultName: "none") == "k=none")
        #expect(HivePartitionPath.directoryName(column: "a=b", value: .int(-3)) == "a%3Db=-3")
        #expect(HivePartitionPath.directoryName(column: "x", value: .double(0.5)) == "x=0.5")
    }
}
