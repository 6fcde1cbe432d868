using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Push;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Notifications;

namespace PostLoan.Integration.Tests.Warning;

/// <summary>
/// Webhook push: a new signal goes to each active endpoint as a signed POST from the durable outbox; a receiver answering
/// 500 gets the call again after 30 s, 60 s, 120 s, 240 s and 480 s (exponential back-off), and after the 6th failure the
/// message is a dead letter with the last error, which an administrator can re-drive. The signature verifies with the
/// shared secret and fails for a changed body.
/// </summary>
public sealed class WebhookDelivery : IAsyncLifetime
{
    private const string Secret = "whsec-0123456789abcdef";
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Noon);
    private readonly List<(string Signature, string Event, string Body)> _received = [];
    private HttpListener _listener = null!;
    private TestApp _app = null!;
    private string _url = "";
    private int _status = 500;

    public async Task InitializeAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _url = $"http://127.0.0.1:{port}/hooks/postloan/";
        _listener = new HttpListener();
        _listener.Prefixes.Add(_url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
        _app = await TestApp.StartAsync(clock: _clock);
    }

    public async Task DisposeAsync()
    {
        _listener.Close();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_exponential_back_off_then_dead_lettered_and_the_signature_verifies()
    {
        using var admin = await _app.WithTokenAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/notifications/admin/webhooks", new { name = "核心系统", url = _url, secret = Secret, minSeverity = "Orange" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var risk = await _app.WithTokenAsync("risk.bj");
        int customer;
        await using (var db = _app.SystemDb())
        {
            customer = await db.Customers.Where(c => c.OrganisationPath.StartsWith(db.Organisations.Single(o => o.Code == "BJ01").Path)).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        }

        // Yellow is below the endpoint's minimum: nothing queued.
        Assert.Equal(HttpStatusCode.Created, (await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = customer, severity = "Yellow", title = "黄色提示" })).StatusCode);
        var raised = await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = customer, severity = "Red", title = "被列入经营异常名录" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);

        var message = await AttemptedAsync(1);
        Assert.Equal((ChannelKind.Webhook, "signal.new", OutboxState.Pending, "HTTP 500 Internal Server Error"), (message.Channel, message.EventType, message.State, message.LastError));
        var expectedDelays = new[] { 30, 60, 120, 240, 480 };
        for (var attempt = 1; attempt <= expectedDelays.Length; attempt++)
        {
            Assert.Equal(message.LastAttemptAt!.Value.AddSeconds(expectedDelays[attempt - 1]), message.NextAttemptAt);
            // One second early: not due, nothing is sent.
            _clock.Advance(TimeSpan.FromSeconds(expectedDelays[attempt - 1] - 1));
            Wake();
            await Task.Delay(300);
            Assert.Equal(attempt, _received.Count);
            _clock.Advance(TimeSpan.FromSeconds(1));
            Wake();
            message = await AttemptedAsync(attempt + 1);
        }

        Assert.Equal((OutboxState.DeadLetter, 6, "HTTP 500 Internal Server Error"), (message.State, message.Attempts, message.LastError));
        Assert.Equal(6, _received.Count);
        Assert.Equal(Noon.AddSeconds(30 + 60 + 120 + 240 + 480), message.LastAttemptAt);
        var dead = (await admin.GetFromJsonAsync<List<OutboxItem>>("/api/notifications/admin/outbox?state=DeadLetter"))!;
        Assert.Equal([message.Id], dead.Select(d => d.Id));

        var (signature, eventType, body) = _received[^1];
        Assert.Equal("signal.new", eventType);
        Assert.Contains("\"title\":\"被列入经营异常名录\"", body, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"Red\"", body, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(Secret, signature, body, _clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, signature, body.Replace("Red", "Yellow", StringComparison.Ordinal), _clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-value", signature, body, _clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, signature, body, _clock.GetUtcNow().AddMinutes(6), TimeSpan.FromMinutes(5)));

        // The receiver is fixed; the administrator re-drives the dead letter and it is delivered.
        _status = 204;
        var redriven = await admin.PostAsync($"/api/notifications/admin/outbox/{message.Id}/redrive", null);
        Assert.Equal(HttpStatusCode.OK, redriven.StatusCode);
        message = await AttemptedAsync(1);
        Assert.Equal((OutboxState.Delivered, (string?)null), (message.State, message.LastError));
        Assert.Equal(7, _received.Count);
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_sha256_of_timestamp_dot_body()
    {
        // echo -n '1773115200.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
        Assert.Equal("t=1773115200,v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(Secret), System.Text.Encoding.UTF8.GetBytes("1773115200.{\"a\":1}"))),
            WebhookSignature.Sign(Secret, 1773115200, "{\"a\":1}"));
    }

    private void Wake() => _app.Services.GetRequiredService<OutboxWakeUp>().Wake();

    /// <summary>Waits until the webhook message has been attempted <paramref name="attempts"/> times (the worker delivers it).</summary>
    private async Task<OutboxMessage> AttemptedAsync(int attempts)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var db = _app.SystemDb();
            var message = await db.OutboxMessages.AsNoTracking().Where(m => m.Channel == ChannelKind.Webhook).SingleOrDefaultAsync();
            if (message is { LockedUntil: null } && message.Attempts == attempts)
            {
                return message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the webhook was not attempted {attempts} times");
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            lock (_received)
            {
                _received.Add((context.Request.Headers[WebhookSignature.Header]!, context.Request.Headers["X-PostLoan-Event"]!, body));
            }

            context.Response.StatusCode = _status;
            context.Response.Close();
        }
    }
}
