using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging.Abstractions;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Persistence;

/// <summary>
/// The SQLite side of <see cref="BulkWriter"/>: a value equal to the previous row's is left bound (SQLite keeps bindings
/// across steps) — so "equal" must mean "binds the same": an instant at another offset, a null after a value and a value
/// after a null are bound again; rows go several to a statement, the last ones copied from their bindings, and a failing
/// row fails the insert wherever it stands; <c>ExecuteEachAsync</c> finds its <c>@pN</c> wherever they stand in the statement;
/// <see cref="BatchPragmas"/> settings last for their batch; a batch that leaves its checkpoint to <see cref="SqliteCheckpointer"/>
/// commits without copying its log into the database file, and the checkpointer copies it.
/// </summary>
public sealed class SqliteBulkWrites : IDisposable
{
    private static readonly DateTimeOffsetToBinaryConverter Instant = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), "postloan-bulk-" + Guid.NewGuid().ToString("N")[..8] + ".db");
    private readonly SqliteConnection _connection;

    public SqliteBulkWrites()
    {
        _connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (\"Id\" INTEGER PRIMARY KEY, \"Name\" TEXT, \"At\" INTEGER, \"Amount\" REAL, \"Day\" TEXT, \"Kind\" INTEGER)";
        create.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Repeated_values_stay_bound_and_anything_that_binds_differently_is_bound_again()
    {
        var beijing = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(8));
        var utc = beijing.ToUniversalTime(); // the same instant at offset 0: equal, but stored differently
        BulkColumn[] columns = [new("Id", typeof(long)), new("Name", typeof(string)), new("At", typeof(DateTimeOffset)), new("Amount", typeof(double)), new("Day", typeof(DateOnly)), new("Kind", typeof(DayOfWeek))];
        object?[][] rows =
        [
            [1L, "甲", beijing, 1.5, new DateOnly(2026, 1, 1), DayOfWeek.Monday],
            [2L, "甲", utc, 1.5, new DateOnly(2026, 1, 1), DayOfWeek.Monday],
            [3L, null, utc, 2.25, null, DayOfWeek.Monday],
            [4L, "乙", utc, 2.25, new DateOnly(2026, 1, 2), null],
            [5L, "乙", null, null, new DateOnly(2026, 1, 2), DayOfWeek.Friday],
        ];

        await using (var tx = await _connection.BeginTransactionAsync())
        {
            Assert.Equal(5, await BulkWriter.InsertAsync(_connection, tx, "t", columns, rows));
            await tx.CommitAsync();
        }

        Assert.Equal(
            [
                "1|甲|" + Instant.ConvertToProvider(beijing) + "|1.5|2026-01-01|1",
                "2|甲|" + Instant.ConvertToProvider(utc) + "|1.5|2026-01-01|1",
                "3||" + Instant.ConvertToProvider(utc) + "|2.25||1",
                "4|乙|" + Instant.ConvertToProvider(utc) + "|2.25|2026-01-02|",
                "5|乙|||2026-01-02|5",
            ],
            Rows());
        Assert.NotEqual(Instant.ConvertToProvider(beijing), Instant.ConvertToProvider(utc));
    }

    [Fact]
    public async Task Rows_go_several_to_a_statement_in_order_and_the_last_ones_are_copied_from_what_they_bound()
    {
        // 70 rows = two statements of 32 and six rows one by one, from a writer that refills one buffer per row (as the
        // ECL run does): the six are stepped after their buffer was overwritten, from what they had bound. Ids are left to
        // the table, so their order is the order of the rows; each column changes on its own rhythm, so a value left bound
        // from the row before, or from the same place in the statement before, is only right when it is equal.
        BulkColumn[] columns = [new("Name", typeof(string)), new("At", typeof(long)), new("Amount", typeof(double)), new("Day", typeof(DateOnly)), new("Kind", typeof(int))];
        static object?[] Fill(object?[] row, int i)
        {
            row[0] = (i % 3) switch { 0 => null, 1 => "甲" + (i / 6), _ => "" };
            row[1] = i % 32 == 5 ? null : i / 2;
            row[2] = (i % 4) * 0.5;
            row[3] = i % 5 == 0 ? null : new DateOnly(2026, 1, 1 + (i / 10));
            row[4] = i < 64 ? 7 : i;
            return row;
        }

        IEnumerable<object?[]> Refilled()
        {
            var buffer = new object?[columns.Length];
            for (var i = 0; i < 70; i++)
            {
                yield return Fill(buffer, i);
            }
        }

        Assert.Equal(32, BulkWriter.SqliteRowsPerStatement);
        await using (var tx = await _connection.BeginTransactionAsync())
        {
            Assert.Equal(70, await BulkWriter.InsertAsync(_connection, tx, "t", columns, Refilled()));
            await tx.CommitAsync();
        }

        var expected = Enumerable.Range(0, 70).Select(i =>
        {
            var row = Fill(new object?[columns.Length], i);
            return string.Join('|', new[] { (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                .Concat(row.Select(v => v switch
                {
                    null => "",
                    DateOnly day => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                })));
        }).ToList();
        Assert.Equal(expected, Rows());
        Assert.Equal("2|甲0|0|0.5|2026-01-01|7", Rows()[1]);
        Assert.Equal("70|||0.5|2026-01-07|69", Rows()[69]);
        // Empty text stays text (not NULL), in the statements and among the rows copied.
        Assert.Equal((23L, 24L, 2L), (await Pragma("SELECT COUNT(*) FROM t WHERE \"Name\" = ''"), await Pragma("SELECT COUNT(*) FROM t WHERE \"Name\" IS NULL"),
            await Pragma("SELECT COUNT(*) FROM t WHERE \"Name\" = '' AND \"Id\" > 64")));
    }

    [Fact]
    public async Task A_row_that_fails_a_constraint_fails_the_insert_wherever_it_stands_and_the_rollback_leaves_nothing()
    {
        BulkColumn[] columns = [new("Id", typeof(long)), new("Name", typeof(string))];
        // A duplicate id inside the first full statement, and one among the rows that go one by one at the end.
        foreach (var (rows, duplicate) in new[] { (40, 10), (40, 37) })
        {
            await using var tx = await _connection.BeginTransactionAsync();
            var items = Enumerable.Range(1, rows).Select(i => new object?[] { (long)(i == duplicate ? 3 : i), "x" + i });
            var failure = await Assert.ThrowsAsync<SqliteException>(() => BulkWriter.InsertAsync(_connection, tx, "t", columns, items));
            Assert.Equal(19, failure.SqliteErrorCode); // SQLITE_CONSTRAINT
            Assert.Contains("UNIQUE", failure.Message, StringComparison.Ordinal);
            await tx.RollbackAsync();
            Assert.Empty(Rows());
        }
    }

    [Fact]
    public async Task A_row_without_a_value_per_column_is_refused_by_its_number_and_a_refilled_blob_keeps_each_rows_bytes()
    {
        BulkColumn[] columns = [new("Id", typeof(long)), new("Name", typeof(object))];
        await using (var tx = await _connection.BeginTransactionAsync())
        {
            var few = Enumerable.Range(1, 40).Select(i => i == 40 ? new object?[] { 40L } : [(long)i, "x"]);
            Assert.Equal("row 40 for t has 1 values for 2 columns (Parameter 'rows')", (await Assert.ThrowsAsync<ArgumentException>(() => BulkWriter.InsertAsync(_connection, tx, "t", columns, few))).Message);
            var many = Enumerable.Range(1, 5).Select(i => i == 3 ? new object?[] { 3L, "x", "extra" } : [(long)i, "x"]);
            Assert.Equal("row 3 for t has 3 values for 2 columns (Parameter 'rows')", (await Assert.ThrowsAsync<ArgumentException>(() => BulkWriter.InsertAsync(_connection, tx, "t", columns, many))).Message);
            await tx.RollbackAsync();
        }

        // A blob in a column not declared as one goes several rows to a statement; the three rows after the first 32 are
        // copied after their array was refilled, and keep their own bytes.
        IEnumerable<object?[]> Refilled()
        {
            var bytes = new byte[2];
            for (var i = 0; i < 35; i++)
            {
                (bytes[0], bytes[1]) = ((byte)i, (byte)(255 - i));
                yield return [(long)(i + 1), bytes];
            }
        }

        await using (var tx = await _connection.BeginTransactionAsync())
        {
            Assert.Equal(35, await BulkWriter.InsertAsync(_connection, tx, "t", columns, Refilled()));
            await tx.CommitAsync();
        }

        await using var read = _connection.CreateCommand();
        read.CommandText = "SELECT hex(\"Name\") FROM t ORDER BY \"Id\"";
        var stored = new List<string>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.Equal(Enumerable.Range(0, 35).Select(i => $"{i:X2}{255 - i:X2}"), stored);
    }

    [Fact]
    public async Task A_trigger_on_the_table_keeps_its_own_conflict_clause()
    {
        // As indicator_values marks its customers' series stale: an OR FAIL of a several-row statement would override
        // the trigger's OR IGNORE and fail on the second row of a kind.
        await Pragma("CREATE TABLE kinds (\"Kind\" INTEGER PRIMARY KEY); CREATE TRIGGER t_kind AFTER INSERT ON t BEGIN INSERT OR IGNORE INTO kinds VALUES (NEW.\"Kind\"); END");
        await using (var tx = await _connection.BeginTransactionAsync())
        {
            Assert.Equal(40, await BulkWriter.InsertAsync(_connection, tx, "t", [new("Kind", typeof(int))], Enumerable.Range(0, 40).Select(i => new object?[] { i % 3 })));
            await tx.CommitAsync();
        }

        Assert.Equal((40L, 3L), (await Pragma("SELECT COUNT(*) FROM t"), await Pragma("SELECT COUNT(*) FROM kinds")));
    }

    [Fact]
    public async Task ExecuteEach_binds_its_parameters_wherever_they_stand_and_counts_the_rows_changed()
    {
        await using (var tx = await _connection.BeginTransactionAsync())
        {
            await BulkWriter.InsertAsync(_connection, tx, "t", [new("Id", typeof(long))], [[1L], [2L], [3L]]);
            // @p1 comes before @p0 in the text; the rows' third value is not a parameter.
            var changed = await BulkWriter.ExecuteEachAsync(_connection, tx, "UPDATE t SET \"Name\" = @p1 WHERE \"Id\" = @p0", 2,
                [[1L, "x", "ignored"], [2L, "x", "ignored"], [3L, null, "ignored"], [9L, "nobody", "ignored"]]);
            Assert.Equal(3, changed);
            await Assert.ThrowsAsync<ArgumentException>(() => BulkWriter.ExecuteEachAsync(_connection, tx, "UPDATE t SET \"Name\" = @p1 WHERE \"Id\" = @p0", 2, [[1L]]));
            await Assert.ThrowsAsync<ArgumentException>(() => BulkWriter.ExecuteEachAsync(_connection, tx, "UPDATE t SET \"Name\" = @p1 WHERE \"Id\" = 1", 2, [[1L, "y"]]));
            await tx.CommitAsync();
        }

        Assert.Equal(["1|x||||", "2|x||||", "3|||||"], Rows());
    }

    [Fact]
    public async Task Batch_pragmas_last_for_the_batch_and_give_the_connection_its_own_settings_back()
    {
        await Pragma("PRAGMA foreign_keys = 1; PRAGMA cache_size = -2000");
        using (var parent = _connection.CreateCommand())
        {
            parent.CommandText = "CREATE TABLE child (\"Id\" INTEGER PRIMARY KEY, \"TId\" INTEGER NOT NULL REFERENCES t (\"Id\"))";
            parent.ExecuteNonQuery();
        }

        await using (await BatchPragmas.OpenAsync(_connection, megabytes: 8, checkForeignKeys: false))
        {
            Assert.Equal((0L, -8192L), (await Pragma("PRAGMA foreign_keys"), await Pragma("PRAGMA cache_size")));
            await Pragma("INSERT INTO child VALUES (1, 42)"); // no row 42 in t: not checked during the batch
        }

        Assert.Equal((1L, -2000L), (await Pragma("PRAGMA foreign_keys"), await Pragma("PRAGMA cache_size")));
        var checkedAgain = await Assert.ThrowsAsync<SqliteException>(() => Pragma("INSERT INTO child VALUES (2, 43)"));
        Assert.Equal(787, checkedAgain.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_FOREIGNKEY
        await using (await BatchPragmas.OpenAsync(_connection, megabytes: null))
        {
            Assert.Equal((1L, -2000L), (await Pragma("PRAGMA foreign_keys"), await Pragma("PRAGMA cache_size")));
        }
    }

    [Fact]
    public async Task Batch_pragmas_sync_at_checkpoints_and_keep_temporary_storage_in_memory_only_for_the_batch()
    {
        await Pragma("PRAGMA synchronous = FULL; PRAGMA temp_store = DEFAULT");
        await using (await BatchPragmas.OpenAsync(_connection, megabytes: null, syncAtCheckpoint: true, tempInMemory: true))
        {
            Assert.Equal((1L, 2L), (await Pragma("PRAGMA synchronous"), await Pragma("PRAGMA temp_store")));
        }

        Assert.Equal((2L, 0L), (await Pragma("PRAGMA synchronous"), await Pragma("PRAGMA temp_store")));
    }

    [Fact]
    public async Task A_batch_that_checkpoints_elsewhere_commits_without_copying_its_log_and_the_checkpointer_copies_it()
    {
        await using (var wal = _connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            Assert.Equal("wal", await wal.ExecuteScalarAsync());
        }

        // 3,000 rows of 4 KB: well over the 1,000 pages at which a commit copies the log into the database file itself.
        const string Insert = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO t (\"Name\") SELECT hex(randomblob(2000)) FROM n";
        var empty = new FileInfo(_file).Length;
        await Pragma(Insert);
        var copiedAtCommit = new FileInfo(_file).Length;
        Assert.True(copiedAtCommit > empty + 10_000_000, $"{empty} -> {copiedAtCommit}");

        var checkpointer = new SqliteCheckpointer(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={_file};Pooling=False"), NullLogger<SqliteCheckpointer>.Instance);
        await using (await BatchPragmas.OpenAsync(_connection, megabytes: null, checkpointAfter: checkpointer))
        {
            Assert.Equal(0L, await Pragma("PRAGMA wal_autocheckpoint"));
            await Pragma(Insert);
            Assert.Equal(copiedAtCommit, new FileInfo(_file).Length); // committed, still only in the log
            Assert.Equal(6000L, await Pragma("SELECT COUNT(*) FROM t"));
        }

        // The batch's end asked the checkpointer for the checkpoint its commits went without.
        Assert.Equal(1000L, await Pragma("PRAGMA wal_autocheckpoint"));
        var done = await checkpointer.IdleAsync();
        Assert.True(done.Elapsed > TimeSpan.Zero);
        Assert.False(done.Busy);
        Assert.True(done.Frames > 3000 && done.Copied == done.Frames, $"{done.Copied} of {done.Frames}");
        Assert.True(new FileInfo(_file).Length > copiedAtCommit + 10_000_000, $"{copiedAtCommit} -> {new FileInfo(_file).Length}");
        Assert.Same(done, await checkpointer.IdleAsync());
        Assert.True((await checkpointer.RequestAsync()).Frames >= 0); // asked again: a log with nothing left to copy
        // PostgreSQL checkpoints by itself: nothing to do. A database SQLite cannot open: logged, never thrown.
        Assert.Same(SqliteCheckpoint.None, await new SqliteCheckpointer(new DatabaseOptions(DatabaseProvider.Postgres, "Host=nowhere"), NullLogger<SqliteCheckpointer>.Instance).RequestAsync());
        var nowhere = new SqliteCheckpointer(new DatabaseOptions(DatabaseProvider.Sqlite, "Data Source=/nonexistent/dir/x.db;Mode=ReadWrite"), NullLogger<SqliteCheckpointer>.Instance);
        Assert.Same(SqliteCheckpoint.None, await nowhere.RequestAsync());
        await nowhere.DisposeAsync();
    }

    [Fact]
    public async Task Batch_pragmas_put_back_every_setting_they_can_when_one_cannot_be()
    {
        await Pragma("PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; PRAGMA foreign_keys = 1");
        var checkpointer = new SqliteCheckpointer(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={_file};Pooling=False"), NullLogger<SqliteCheckpointer>.Instance);
        var batch = await BatchPragmas.OpenAsync(_connection, megabytes: null, checkForeignKeys: false, syncAtCheckpoint: true, checkpointAfter: checkpointer);
        await using (var tx = await _connection.BeginTransactionAsync())
        {
            // Inside a transaction SQLite refuses to change synchronous (and ignores foreign_keys): the rest still comes
            // back, and nothing is thrown (the connection leaves the pool instead).
            await batch.DisposeAsync();
            Assert.Equal((1L, 1000L), (await Pragma("PRAGMA synchronous"), await Pragma("PRAGMA wal_autocheckpoint")));
        }

        await checkpointer.IdleAsync();
    }

    private async Task<long> Pragma(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private List<string> Rows()
    {
        using var read = _connection.CreateCommand();
        read.CommandText = "SELECT \"Id\", \"Name\", \"At\", \"Amount\", \"Day\", \"Kind\" FROM t ORDER BY \"Id\"";
        using var reader = read.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
