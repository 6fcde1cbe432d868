using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>What became of one message's readings once committed.</summary>
/// <param name="Received">Readings in the message.</param>
/// <param name="Stored">Readings newly stored.</param>
/// <param name="Duplicates">Readings already stored before (same device and sequence), ignored.</param>
public readonly record struct StoredReadings(int Received, int Stored, int Duplicates);

/// <summary>One message waiting in the ingest queue: readings or a heartbeat of one device, and who waits for its commit.</summary>
internal sealed class IngestItem(DeviceInfo device, RawReading[] readings, HeartbeatMessage? heartbeat, DateTimeOffset receivedAt)
{
    public DeviceInfo Device { get; } = device;

    public RawReading[] Readings { get; } = readings;

    public HeartbeatMessage? Heartbeat { get; } = heartbeat;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    public TaskCompletionSource<StoredReadings> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Stored { get; set; }
}

/// <summary>
/// The ingest queue (接入队列): a bounded channel of messages drained by one writer that commits them in batches
/// (<see cref="ReadingWriter"/>). Whoever submits waits for the commit — the MQTT broker acknowledges a QoS 1 message
/// and the HTTP endpoint answers only then, so an acknowledged reading is durable. When the channel is full, submitters
/// wait (back-pressure reaches the devices through MQTT flow control and slower HTTP answers); nothing is held in an
/// unbounded buffer. A failed batch fails every message in it, and devices send them again.
/// </summary>
public sealed class IngestPipeline : BackgroundService
{
    private readonly Channel<IngestItem> _channel;
    private readonly ReadingWriter _writer;
    private readonly MonitoringOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<IngestPipeline> _logger;

    public IngestPipeline(ReadingWriter writer, MonitoringOptions options, TimeProvider clock, ILogger<IngestPipeline> logger)
    {
        _writer = writer;
        _options = options;
        _clock = clock;
        _logger = logger;
        _channel = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Queues validated readings of an authenticated device and waits until they are committed.</summary>
    public Task<StoredReadings> SubmitAsync(DeviceInfo device, RawReading[] readings, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new IngestItem(device, readings, null, _clock.GetUtcNow()), cancellationToken);

    /// <summary>Queues a heartbeat and waits until the device's status is committed.</summary>
    public Task<StoredReadings> HeartbeatAsync(DeviceInfo device, HeartbeatMessage heartbeat, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new IngestItem(device, [], heartbeat, _clock.GetUtcNow()), cancellationToken);

    private async Task<StoredReadings> EnqueueAsync(IngestItem item, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(item, cancellationToken);
        return await item.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IngestItem>();
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var readings = 0;
                while (readings < _options.MaxBatchReadings && reader.TryRead(out var item))
                {
                    batch.Add(item);
                    readings += Math.Max(1, item.Readings.Length);
                }

                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued was not acknowledged and will be sent again.
        }
        finally
        {
            _channel.Writer.TryComplete();
            foreach (var item in batch)
            {
                item.Done.TrySetCanceled(CancellationToken.None);
            }

            while (reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(CancellationToken.None);
            }
        }
    }

    private async Task WriteAsync(List<IngestItem> batch, CancellationToken stoppingToken)
    {
        try
        {
            await _writer.WriteAsync(batch, stoppingToken);
            foreach (var item in batch)
            {
                item.Done.TrySetResult(new StoredReadings(item.Readings.Length, item.Stored, item.Readings.Length - item.Stored));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Ingest batch of {Messages} messages failed; none of it was acknowledged", batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }
        }
    }
}
