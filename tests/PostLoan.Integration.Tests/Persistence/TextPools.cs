using System.Text;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Persistence;

/// <summary><see cref="TextPool"/>: one string per distinct text, whatever order and length the UTF-8 rows come in.</summary>
public sealed class TextPools
{
    [Fact]
    public void Each_text_is_one_string_and_a_text_read_again_is_that_string()
    {
        var pool = new TextPool();
        string Get(string text) => pool.Get(Encoding.UTF8.GetBytes(text).AsSpan());

        var branch = Get("/1/10/11/");
        Assert.Same(branch, Get("/1/10/11/")); // the row before's text
        var other = Get("/1/10/12/"); // same length, other bytes
        Assert.Equal("/1/10/12/", other);
        Assert.Same(branch, Get("/1/10/11/")); // pooled, not the row before's
        Assert.Equal("", Get(""));
        Assert.Same(other, Get("/1/10/12/"));

        // Longer than the reused buffer, then shorter again, in Chinese (three bytes a character).
        var name = string.Concat(Enumerable.Repeat("北京海淀支行客户经理", 5));
        Assert.Equal(name, Get(name));
        Assert.Same(Get(name), Get(name));
        Assert.Equal("马静", Get("马静"));
        Assert.Same(branch, Get("/1/10/11/"));
        Assert.Same(branch, pool.Get("/1/10/11/"));
    }
}
