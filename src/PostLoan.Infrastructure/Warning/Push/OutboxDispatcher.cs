using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Common;
using PostLoan.Domain.Warning.Push;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Push;

/// <summary>
/// Delivers the durable outbox: claims each due message (a lease in <c>LockedUntil</c>, so several app nodes share the
/// outbox without sending twice), hands it to its channel, and records the result: delivered; or failed and retried
/// after the back-off of <see cref="RetryPolicy"/>; or dead-lettered with the last error after the last attempt.
/// </summary>
public sealed class OutboxDispatcher(PostLoanDbContext db, IEnumerable<INotificationChannel> channels, RetryPolicy policy, TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Delivers every message due now (at most <paramref name="batch"/>); returns how many were attempted.</summary>
    public async Task<int> DispatchDueAsync(int batch = 100, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => m.Id).Take(batch).ToListAsync(cancellationToken);
        var attempted = 0;
        foreach (var id in due)
        {
            var until = now + Lease;
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == id && m.State == OutboxState.Pending && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, until), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            var message = await db.OutboxMessages.FirstAsync(m => m.Id == id, cancellationToken);
            var channel = channels.FirstOrDefault(c => c.Kind == message.Channel);
            var result = channel is null ? new DeliveryResult($"no {message.Channel} channel is configured") : await channel.DeliverAsync(message, cancellationToken);
            Record(message, result);
            await db.SaveChangesAsync(cancellationToken);
            attempted++;
        }

        return attempted;
    }

    /// <summary>Puts a dead-lettered message back in the queue for one more round of attempts (re-drive).</summary>
    public async Task<Result<OutboxMessage>> RedriveAsync(long id, CancellationToken cancellationToken = default)
    {
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null)
        {
            return Error.NotFound("outbox.not_found", $"outbox message {id} was not found");
        }

        if (message.State != OutboxState.DeadLetter)
        {
            return Error.Conflict("outbox.state", $"outbox message {id} is {message.State}: only a dead letter can be re-driven");
        }

        message.State = OutboxState.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = clock.GetUtcNow();
        message.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    private void Record(OutboxMessage message, DeliveryResult result)
    {
        var now = clock.GetUtcNow();
        message.Attempts++;
        message.LastAttemptAt = now;
        message.LockedUntil = null;
        if (result.Succeeded)
        {
            message.State = OutboxState.Delivered;
            message.DeliveredAt = now;
            message.LastError = null;
            return;
        }

        message.LastError = result.Error!.Length > 2000 ? result.Error[..2000] : result.Error;
        if (policy.NextDelay(message.Attempts) is { } delay)
        {
            message.NextAttemptAt = now + delay;
            logger.LogWarning("{Channel} message {Id} to {Recipient} failed (attempt {Attempt}): {Error}; next attempt at {Next:O}",
                message.Channel, message.Id, RecipientMask.Of(message.Channel, message.Recipient), message.Attempts, message.LastError, message.NextAttemptAt);
        }
        else
        {
            message.State = OutboxState.DeadLetter;
            logger.LogError("{Channel} message {Id} to {Recipient} dead-lettered after {Attempts} attempts: {Error}",
                message.Channel, message.Id, RecipientMask.Of(message.Channel, message.Recipient), message.Attempts, message.LastError);
        }
    }
}

/// <summary>
/// The background worker that runs <see cref="OutboxDispatcher"/> every <c>Notifications:Outbox:PollSeconds</c> (default 5)
/// or at once when woken by a new message. Disabled with <c>Notifications:Outbox:Enabled=false</c>.
/// </summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, OutboxWakeUp wakeUp, IConfiguration configuration, ILogger<OutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Notifications:Outbox:PollSeconds", 5.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (scope.ServiceProvider.GetService<ICurrentUser>() is IActAsSystem system)
                {
                    system.ActAsSystem();
                }

                await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(cancellationToken: stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The notification outbox could not be dispatched");
            }

            try
            {
                await wakeUp.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
