using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>
/// Commits a batch of ingest messages in one transaction: readings are derived (<see cref="ReadingRules"/>) against each
/// device's latest reading, written to a temporary table (binary COPY on PostgreSQL, one prepared insert stepped per row
/// on SQLite — <see cref="BulkWriter"/>), then moved into <c>device_readings</c> with <c>ON CONFLICT DO NOTHING
/// RETURNING</c>, so a reading stored before is ignored and only what was really inserted is added to the daily totals.
/// Devices' last-seen time and status and the events of the batch (online again, fault, reset, rollover, intrusion) are
/// written in the same transaction. The only writer of a node: it keeps each device's latest reading in memory.
/// </summary>
public sealed class ReadingWriter(DatabaseOptions database, TimeProvider clock)
{
    private const string Batch = "ingest_batch";

    private static readonly BulkColumn[] Columns =
    [
        new("DeviceId", typeof(int)), new("Sequence", typeof(long)), new("SiteId", typeof(int)), new("At", typeof(DateTimeOffset)),
        new("Day", typeof(DateOnly)), new("ReceivedAt", typeof(DateTimeOffset)), new("Value", typeof(double)), new("Value2", typeof(double)),
        new("Increment", typeof(double)), new("Increment2", typeof(double)), new("Flags", typeof(int)),
    ];

    private static readonly string ColumnList = string.Join(", ", Columns.Select(c => BulkWriter.Quote(c.Name)));

    private readonly Dictionary<int, DeviceCursor> _cursors = [];

    internal async Task WriteAsync(IReadOnlyList<IngestItem> items, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();

        var pending = new Dictionary<int, DeviceCursor>();
        var rows = new List<Row>();
        var owners = new Dictionary<(int, long), IngestItem>();
        foreach (var item in items)
        {
            var device = item.Device;
            if (item.Readings.Length == 0)
            {
                continue;
            }

            if (!pending.TryGetValue(device.Id, out var cursor) && !_cursors.TryGetValue(device.Id, out cursor))
            {
                cursor = await LatestAsync(connection, tx, device.Id, cancellationToken);
            }

            foreach (var raw in item.Readings)
            {
                var derived = ReadingRules.Derive(device.Kind, device.CounterMode, device.RolloverAt, ref cursor, raw);
                // The first of a reading sent twice in one batch is the one that counts.
                if (owners.TryAdd((device.Id, raw.Sequence), item))
                {
                    rows.Add(new Row(device, raw, device.DayOf(raw.At), item.ReceivedAt, derived));
                }
            }

            pending[device.Id] = cursor;
        }

        var inserted = rows.Count == 0 ? [] : await InsertAsync(connection, tx, rows, cancellationToken);
        var stored = new List<Row>(inserted.Count);
        foreach (var row in rows)
        {
            if (inserted.Contains((row.Device.Id, row.Raw.Sequence)))
            {
                stored.Add(row);
                owners[(row.Device.Id, row.Raw.Sequence)].Stored++;
            }
        }

        await AddToDailyTotalsAsync(connection, tx, stored, cancellationToken);
        var events = stored.Where(r => (r.Derived.Flags & (ReadingFlags.Reset | ReadingFlags.Rollover)) != 0
                                        || (r.Device.Kind == DeviceKind.IntrusionDetector && r.Raw.Value > 0 && (r.Derived.Flags & ReadingFlags.Late) == 0))
            .Select(r => Event(r.Device, r.Raw.At, EventKind(r), EventDetail(r)))
            .ToList();
        events.AddRange(await UpdateDevicesAsync(connection, tx, items, now, cancellationToken));
        if (events.Count > 0)
        {
            await BulkWriter.InsertAsync(connection, tx, "device_events", EventColumns, events, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        foreach (var (device, cursor) in pending)
        {
            _cursors[device] = cursor;
        }
    }

    /// <summary>Forgets the remembered latest readings (tests and the benchmark start from the database).</summary>
    public void Reset() => _cursors.Clear();

    private static async Task<DeviceCursor> LatestAsync(DbConnection connection, DbTransaction tx, int deviceId, CancellationToken cancellationToken)
    {
        await using var command = BulkWriter.Command(connection, tx,
            "SELECT \"Sequence\", \"Value\", \"Value2\" FROM device_readings WHERE \"DeviceId\" = @d ORDER BY \"Sequence\" DESC LIMIT 1", "d", deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }

        return new DeviceCursor
        {
            HasReading = true,
            LastSequence = reader.GetInt64(0),
            LastValue = reader.GetDouble(1),
            LastValue2 = reader.IsDBNull(2) ? 0 : reader.GetDouble(2),
        };
    }

    /// <summary>Writes the rows to the batch table and moves the new ones into device_readings; returns the keys inserted.</summary>
    private static async Task<HashSet<(int, long)>> InsertAsync(DbConnection connection, DbTransaction tx, List<Row> rows, CancellationToken cancellationToken)
    {
        var sqlite = connection is SqliteConnection;
        await using (var create = BulkWriter.Command(connection, tx, sqlite
                         ? $"CREATE TEMP TABLE IF NOT EXISTS {Batch} (\"DeviceId\" INTEGER, \"Sequence\" INTEGER, \"SiteId\" INTEGER, \"At\" INTEGER, \"Day\" TEXT, \"ReceivedAt\" INTEGER, \"Value\" REAL, \"Value2\" REAL, \"Increment\" REAL, \"Increment2\" REAL, \"Flags\" INTEGER); DELETE FROM {Batch};"
                         : $"CREATE TEMP TABLE IF NOT EXISTS {Batch} (\"DeviceId\" integer, \"Sequence\" bigint, \"SiteId\" integer, \"At\" timestamptz, \"Day\" date, \"ReceivedAt\" timestamptz, \"Value\" double precision, \"Value2\" double precision, \"Increment\" double precision, \"Increment2\" double precision, \"Flags\" integer); TRUNCATE {Batch};"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        if (sqlite)
        {
            BulkWriter.InsertSqlite((SqliteConnection)connection, Batch, Columns, rows, BindSqlite);
        }
        else
        {
            await BulkWriter.InsertAsync(connection, tx, Batch, Columns, rows.Select(r => new object?[]
            {
                r.Device.Id, r.Raw.Sequence, r.Device.SiteId, r.Raw.At, r.Day, r.ReceivedAt, r.Raw.Value, r.Raw.Value2,
                r.Derived.Increment, r.Derived.Increment2, (int)r.Derived.Flags,
            }), cancellationToken);
        }

        var inserted = new HashSet<(int, long)>(rows.Count);
        await using var move = BulkWriter.Command(connection, tx,
            $"INSERT INTO device_readings ({ColumnList}) SELECT {ColumnList} FROM {Batch} WHERE true ON CONFLICT (\"DeviceId\", \"Sequence\") DO NOTHING RETURNING \"DeviceId\", \"Sequence\"");
        await using var reader = await move.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return inserted;
    }

    private static void BindSqlite(SqliteRow target, in Row row)
    {
        target.Integer(0, row.Device.Id);
        target.Integer(1, row.Raw.Sequence);
        target.Integer(2, row.Device.SiteId);
        target.Value(3, row.Raw.At);
        target.Date(4, row.Day);
        target.Value(5, row.ReceivedAt);
        target.Value(6, row.Raw.Value);
        target.Value(7, row.Raw.Value2);
        target.Value(8, row.Derived.Increment);
        target.Value(9, row.Derived.Increment2);
        target.Integer(10, (int)row.Derived.Flags);
    }

    /// <summary>Adds the stored readings to their device's day: counts and sums add up, minimum and maximum widen.</summary>
    private static async Task AddToDailyTotalsAsync(DbConnection connection, DbTransaction tx, List<Row> stored, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<(int, DateOnly), DayTotal>();
        foreach (var row in stored)
        {
            var key = (row.Device.Id, row.Day);
            var value2 = row.Raw.Value2 ?? 0;
            totals[key] = totals.TryGetValue(key, out var t)
                ? new DayTotal(row.Device, t.Readings + 1, t.Increment + row.Derived.Increment, t.Increment2 + row.Derived.Increment2,
                    t.ValueSum + row.Raw.Value, Math.Min(t.ValueMin, row.Raw.Value), Math.Max(t.ValueMax, row.Raw.Value),
                    t.Value2Sum + value2, Math.Min(t.Value2Min, value2), Math.Max(t.Value2Max, value2),
                    row.Raw.At < t.FirstAt ? row.Raw.At : t.FirstAt, row.Raw.At > t.LastAt ? row.Raw.At : t.LastAt)
                : new DayTotal(row.Device, 1, row.Derived.Increment, row.Derived.Increment2, row.Raw.Value, row.Raw.Value, row.Raw.Value,
                    value2, value2, value2, row.Raw.At, row.Raw.At);
        }

        if (totals.Count == 0)
        {
            return;
        }

        const string table = "device_daily_totals";
        string Widen(string column, string op) => $"\"{column}\" = CASE WHEN excluded.\"{column}\" {op} {table}.\"{column}\" THEN excluded.\"{column}\" ELSE {table}.\"{column}\" END";
        string Add(string column) => $"\"{column}\" = {table}.\"{column}\" + excluded.\"{column}\"";
        var sql = $"""
            INSERT INTO {table} ("DeviceId", "Day", "SiteId", "CustomerId", "Kind", "Readings", "Increment", "Increment2", "ValueSum", "ValueMin", "ValueMax",
                "Value2Sum", "Value2Min", "Value2Max", "FirstAt", "LastAt", "OrganisationPath", "AccountManagerId")
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)
            ON CONFLICT ("DeviceId", "Day") DO UPDATE SET {Add("Readings")}, {Add("Increment")}, {Add("Increment2")}, {Add("ValueSum")}, {Add("Value2Sum")},
                {Widen("ValueMin", "<")}, {Widen("ValueMax", ">")}, {Widen("Value2Min", "<")}, {Widen("Value2Max", ">")}, {Widen("FirstAt", "<")}, {Widen("LastAt", ">")}
            """;
        await BulkWriter.ExecuteEachAsync(connection, tx, sql, 18, totals.Select(p => new object?[]
        {
            p.Key.Item1, p.Key.Item2, p.Value.Device.SiteId, p.Value.Device.CustomerId, p.Value.Device.Kind, p.Value.Readings,
            p.Value.Increment, p.Value.Increment2, p.Value.ValueSum, p.Value.ValueMin, p.Value.ValueMax, p.Value.Value2Sum, p.Value.Value2Min,
            p.Value.Value2Max, p.Value.FirstAt, p.Value.LastAt, p.Value.Device.OrganisationPath, p.Value.Device.AccountManagerId,
        }), cancellationToken);
    }

    /// <summary>Stamps every device of the batch as seen now; readings and an "ok" heartbeat bring it online, a "fault" heartbeat marks it faulty.</summary>
    private static async Task<List<object?[]>> UpdateDevicesAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<IngestItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<int, (DeviceInfo Device, HeartbeatMessage? Heartbeat)>();
        foreach (var item in items)
        {
            latest[item.Device.Id] = (item.Device, item.Heartbeat ?? (latest.TryGetValue(item.Device.Id, out var seen) ? seen.Heartbeat : null));
        }

        var status = new Dictionary<int, (DeviceStatus Status, string? Reason)>();
        await using (var select = BulkWriter.Command(connection, tx,
                         $"SELECT \"Id\", \"Status\", \"FaultReason\" FROM devices WHERE \"Id\" IN ({string.Join(",", latest.Keys.Select(k => k.ToString(CultureInfo.InvariantCulture)))})"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                status[reader.GetInt32(0)] = ((DeviceStatus)reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }

        var events = new List<object?[]>();
        var updates = new List<object?[]>(latest.Count);
        foreach (var (id, (device, heartbeat)) in latest)
        {
            var (before, reason) = status.TryGetValue(id, out var s) ? s : (DeviceStatus.Offline, null);
            var (after, afterReason) = heartbeat switch
            {
                { Fault: true } => (DeviceStatus.Fault, heartbeat.Reason ?? "fault"),
                { Fault: false } => (DeviceStatus.Online, (string?)null),
                null => before == DeviceStatus.Fault ? (DeviceStatus.Fault, reason) : (DeviceStatus.Online, null),
            };
            if (after != before)
            {
                events.Add(Event(device, now, after == DeviceStatus.Fault ? DeviceEventKind.Fault : DeviceEventKind.CameOnline, afterReason));
            }

            updates.Add([id, now, after, afterReason]);
        }

        await BulkWriter.ExecuteEachAsync(connection, tx,
            "UPDATE devices SET \"LastSeenAt\" = @p1, \"Status\" = @p2, \"FaultReason\" = @p3 WHERE \"Id\" = @p0", 4, updates, cancellationToken);
        return events;
    }

    private static readonly BulkColumn[] EventColumns =
    [
        new("DeviceId", typeof(int)), new("SiteId", typeof(int)), new("CustomerId", typeof(int)), new("At", typeof(DateTimeOffset)),
        new("Kind", typeof(DeviceEventKind)), new("Detail", typeof(string)), new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)),
    ];

    private static object?[] Event(DeviceInfo device, DateTimeOffset at, DeviceEventKind kind, string? detail) =>
        [device.Id, device.SiteId, device.CustomerId, at, kind, detail, device.OrganisationPath, device.AccountManagerId];

    private static DeviceEventKind EventKind(Row row) =>
        (row.Derived.Flags & ReadingFlags.Rollover) != 0 ? DeviceEventKind.MeterRollover
        : (row.Derived.Flags & ReadingFlags.Reset) != 0 ? DeviceEventKind.CounterReset
        : DeviceEventKind.Intrusion;

    private static string EventDetail(Row row) => string.Create(CultureInfo.InvariantCulture,
        $"seq {row.Raw.Sequence}: {row.Raw.Value}{(row.Raw.Value2 is { } v2 ? "/" + v2.ToString(CultureInfo.InvariantCulture) : "")}");

    private readonly record struct Row(DeviceInfo Device, RawReading Raw, DateOnly Day, DateTimeOffset ReceivedAt, DerivedReading Derived);

    private readonly record struct DayTotal(
        DeviceInfo Device, int Readings, double Increment, double Increment2, double ValueSum, double ValueMin, double ValueMax,
        double Value2Sum, double Value2Min, double Value2Max, DateTimeOffset FirstAt, DateTimeOffset LastAt);
}
