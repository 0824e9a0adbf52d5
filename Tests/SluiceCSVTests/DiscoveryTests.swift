import Foundation
import Testing
@testable import SluiceCSV

/// Listing, hidden files, globs, missing paths and Hive partition directories.
@Suite struct DiscoveryTests {
    static func table() -> TempDir {
        let dir = TempDir()
        dir.write("t/dt=2024-01-01/country=FR/part-0.csv", "id\n1\n")
        dir.write("t/dt=2024-01-02/country=US%2FCA/part-0.csv", "id\n2\n")
        dir.write("t/dt=2024-01-02/country=__HIVE_DEFAULT_PARTITION__/part-0.csv", "id\n3\n")
        dir.write("t/_SUCCESS", "")
        dir.write("t/.hidden/x.csv", "id\nhidden\n")
        dir.write("t/_temporary/0/dt=2024-01-09/country=XX/part-0.csv", "id\ntemp\n")
        dir.write("t/dt=2024-01-01/country=FR/_part-1.csv", "id\nunderscore\n")
        dir.write("t/dt=2024-01-01/country=FR/.part-0.csv.crc", "crc")
        dir.write("t/dt=2024-01-01/country=FR/part-2.csv._COPYING_", "id\ncopying\n")
        return dir
    }

    @Test func partitionsAreDiscoveredTypedAndUnescaped() throws {
        let dir = Self.table()
        let ds = try CSVDataset.discover(path: dir.path + "/t", options: csvOptions(["header": "true"]))
        #expect(ds.files.map { String($0.path.dropFirst(dir.path.count + 3)) } == [
            "dt=2024-01-01/country=FR/part-0.csv",
            "dt=2024-01-02/country=US%2FCA/part-0.csv",
            "dt=2024-01-02/country=__HIVE_DEFAULT_PARTITION__/part-0.csv",
        ])
        #expect(ds.dataSchema == [CSVField("id", .string)])
        #expect(ds.partitionSchema == [CSVField("dt", .date), CSVField("country", .string)])
        #expect(ds.schema.map(\.name) == ["id", "dt", "country"])
        #expect(ds.files.map(\.partitionValues) == [
            [date("2024-01-01"), s("FR")], [date("2024-01-02"), s("US/CA")], [date("2024-01-02"), null],
        ])
        #expect(try readRows(ds) == [
            [s("1"), date("2024-01-01"), s("FR")],
            [s("2"), date("2024-01-02"), s("US/CA")],
            [s("3"), date("2024-01-02"), null],
        ])
        // Partition columns alone, and mixed into the projection.
        #expect(try readRows(ds, projection: [2, 0]) == [[s("FR"), s("1")], [s("US/CA"), s("2")], [null, s("3")]])
    }

    @Test func fileMetadata() throws {
        let dir = TempDir()
        let p = dir.write("a.csv", "x\n1\n")
        let ds = try CSVDataset.discover(path: p, options: csvOptions())
        var st = stat()
        stat(p, &st)
        #expect(ds.files == [InputFile(path: p, size: 4, modificationSeconds: Int64(st.st_mtim.tv_sec),
                                       modificationNanoseconds: Int32(st.st_mtim.tv_nsec), partitionValues: [])])
    }

    @Test func partitionTypeInference() {
        func type(_ values: [String]) -> DataType {
            values.map(PartitionDiscovery.infer).reduce(.null, PartitionDiscovery.widen).type
        }
        #expect(type(["01", "23"]) == .bigint)
        #expect(type(["1", "99999999999"]) == .bigint)
        #expect(type(["1", "2.5"]) == .double)
        #expect(type(["99999999999", "2.5"]) == .string) // Spark: LongType and DoubleType give StringType
        #expect(type(["2024-01-01", "2024-01-01 10%3A00%3A00"]) == .timestamp)
        #expect(type(["2024-01-01", "2024-13-01"]) == .string)
        #expect(type(["abc", "1"]) == .string)
        #expect(type(["__HIVE_DEFAULT_PARTITION__"]) == .string)
        #expect(type(["true"]) == .string)
        #expect(PartitionDiscovery.convert("01", to: .string) == s("01"))
        #expect(PartitionDiscovery.convert("01", to: .bigint) == i(1))
        #expect(PartitionDiscovery.convert("2024-01-01 10%3A00%3A00.5", to: .timestamp) == ts("2024-01-01 10:00:00.5"))
        #expect(PartitionDiscovery.unescape("a%2Fb%3Dc%25d%zz%4") == "a/b=c%d%zz%4")
    }

    @Test func declaredPartitionType() throws {
        let dir = TempDir()
        dir.write("t/hour=01/a.csv", "x\n")
        dir.write("t/hour=13/a.csv", "y\n")
        let ds = try CSVDataset.discover(path: dir.path + "/t", options: csvOptions(["schema": "v STRING, hour STRING"]))
        #expect(ds.dataSchema == [CSVField("v", .string)])
        #expect(ds.partitionSchema == [CSVField("hour", .string)])
        #expect(try readRows(ds) == [[s("x"), s("01")], [s("y"), s("13")]])
        let bad = readError(dir.path + "/t", ["schema": "v STRING, hour DATE"])
        #expect(bad?.description == "\(dir.path)/t/hour=01: partition value '01' of column hour is not a valid DATE as the schema option declares; fix the directory name or declare the column as STRING")
    }

    @Test func conflictingPartitionDirectories() {
        let dir = TempDir()
        dir.write("t/a=1/x.csv", "1\n")
        dir.write("t/b=2/y.csv", "2\n")
        let e = readError(dir.path + "/t")
        #expect(e?.description == "conflicting partition directory structures: \(dir.path)/t/a=1 has partition keys (a) but \(dir.path)/t/b=2 has partition keys (b); every file must sit under the same key=value directories; move the odd files, or point path (or basePath) at one table")
        #expect(e?.exitStatus == .dataError)
        let dir2 = TempDir()
        dir2.write("t/a=1/x.csv", "1\n")
        dir2.write("t/z.csv", "2\n")
        #expect(readError(dir2.path + "/t") == .conflictingPartitionDirectories(
            first: dir2.path + "/t/a=1", firstKeys: ["a"], second: dir2.path + "/t", secondKeys: []))
    }

    @Test func emptyPartitionValueIsAnError() {
        let dir = TempDir()
        dir.write("t/a=/x.csv", "1\n")
        #expect(readError(dir.path + "/t")?.description
            == "\(dir.path)/t/a=: partition directory 'a=' has an empty value; NULL is written as __HIVE_DEFAULT_PARTITION__")
    }

    @Test func dataColumnNamedLikeAPartitionKey() {
        let dir = TempDir()
        dir.write("t/dt=2024-01-01/a.csv", "id,dt\n1,2024-01-01\n")
        #expect(readError(dir.path + "/t", ["header": "true"])?.description
            == "\(dir.path)/t/dt=2024-01-01/a.csv: column dt of the file is also a partition directory key; rename the file's column with the schema option (it gives the columns by position) or remove the key=value directories")
    }

    @Test func missingPath() {
        let e = readError("/nonexistent/sluice/data")
        #expect(e?.description == "[PATH_NOT_FOUND] Path does not exist: /nonexistent/sluice/data")
        #expect(e?.exitStatus == .noInput)
        let dir = TempDir()
        #expect(readError(dir.path + "/t*/x?.csv")?.description == "[PATH_NOT_FOUND] Path does not exist: \(dir.path)/t*/x?.csv")
    }

    @Test func globs() throws {
        let dir = Self.table()
        // Matched files are their own roots: no partition columns, as in Spark.
        let files = try CSVDataset.discover(path: dir.path + "/t/dt=*/country=[FU]*/*.csv", options: csvOptions(["header": "true"]))
        #expect(files.files.count == 2)
        #expect(files.partitionSchema == [])
        // Matched directories are roots: the keys below them are partitions ...
        let dirs = try CSVDataset.discover(path: dir.path + "/t/dt=2024-01-0{1,2}", options: csvOptions(["header": "true"]))
        #expect(dirs.partitionSchema == [CSVField("country", .string)])
        #expect(try readRows(dirs) == [[s("1"), s("FR")], [s("2"), s("US/CA")], [s("3"), null]])
        // ... unless basePath says where the table starts.
        let based = try CSVDataset.discover(path: dir.path + "/t/dt=2024-01-0?", options: csvOptions(["header": "true", "basePath": dir.path + "/t"]))
        #expect(based.partitionSchema == [CSVField("dt", .date), CSVField("country", .string)])
    }

    @Test func listingFilters() throws {
        let dir = TempDir()
        dir.write("t/a.csv", "1\n")
        dir.write("t/notes.txt", "2\n")
        dir.write("t/sub/b.csv", "3\n")
        #expect(try read(dir.path + "/t") == [[s("1")], [s("2")], [s("3")]])
        #expect(try read(dir.path + "/t", ["pathGlobFilter": "*.csv"]) == [[s("1")], [s("3")]])
        let before = try CSVOptions([("modifiedBefore", "2000-01-01T00:00:00")])
        #expect(try CSVDataset.discover(path: dir.path + "/t", options: CSVOptions([("schema", "a INT")]).with { $0.modifiedBefore = before.modifiedBefore }).files == [])
        dir.write("p/k=1/sub/x.csv", "4\n")
        #expect(try CSVDataset.discover(path: dir.path + "/p", options: csvOptions()).partitionSchema == [CSVField("k", .bigint)])
        #expect(try CSVDataset.discover(path: dir.path + "/p", options: csvOptions(["recursiveFileLookup": "true"])).partitionSchema == [])
    }

    @Test func compressedFilesAreRefused() {
        let dir = TempDir()
        dir.write("t/a.csv.gz", "x")
        #expect(readError(dir.path + "/t")?.description == "\(dir.path)/t/a.csv.gz: compressed CSV files are not supported; decompress the file first (e.g. gunzip)")
        #expect(readError(dir.path + "/t")?.exitStatus == .noInput)
    }

    @Test func splitsCoverEveryByteOnce() throws {
        let dir = TempDir()
        dir.write("t/a.csv", "0123456789")
        dir.write("t/b.csv", "")
        dir.write("t/c.csv", "abc")
        let ds = try CSVDataset.discover(path: dir.path + "/t", options: csvOptions())
        #expect(ds.splits(maxPartitionBytes: 4).map { "\($0.fileIndex):\($0.start)-\($0.end)" } == ["0:0-4", "0:4-8", "0:8-10", "2:0-3"])
        #expect(ds.totalBytes == 13)
    }
}

extension CSVOptions {
    func with(_ change: (inout CSVOptions) -> Void) -> CSVOptions {
        var c = self
        change(&c)
        return c
    }
}
