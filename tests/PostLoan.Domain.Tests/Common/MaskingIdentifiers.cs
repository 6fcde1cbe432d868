using PostLoan.Domain.Common;

namespace PostLoan.Domain.Tests.Common;

public class MaskingIdentifiers
{
    [Fact]
    public void Id_number_keeps_first_three_and_last_four() =>
        Assert.Equal("110***********1234", Masking.IdNumber("110101199001011234"));

    [Fact]
    public void Phone_keeps_first_three_and_last_four() =>
        Assert.Equal("138****5678", Masking.Phone("13812345678"));

    [Fact]
    public void Short_values_are_fully_masked() => Assert.Equal("*****", Masking.Phone("12345"));
}
