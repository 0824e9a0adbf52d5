import Testing
@testable import SluiceCSV

@Test func smoke() throws {
    let dir = TempDir()
    let p = dir.write("a.csv", "id,name,amount\n1,\"x,y\",2.5\n2,,3\n")
    let rows = try read(p, ["header": "true", "inferSchema": "true"])
    print(rows)
    let ds = try CSVDataset.discover(path: p, options: csvOptions(["header": "true", "inferSchema": "true"]))
    print(ds.schema)
}
