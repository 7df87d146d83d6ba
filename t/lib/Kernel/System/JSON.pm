# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::JSON;

use strict;
use warnings;

use JSON::PP ();

our @ObjectDependencies = (
    'Kernel::System::Log',
);

=head1 NAME

Kernel::System::JSON - test stand-in of the OTRS 6 JSON object

=head1 DESCRIPTION

C<Encode()> gives a character string (allow_nonref, U+2028/U+2029 escaped);
C<Decode()> takes a character string, gives undef for undef input and logs
C<Decoding the JSON string failed: ...> for malformed input; JSON booleans decode
to 1/0, as in OTRS.

=head1 PUBLIC INTERFACE

=head2 new()

    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    return bless {}, $Type;
}

=head2 Encode()

    my $String = $JSONObject->Encode(
        Data     => $Data,
        SortKeys => 1,      # optional
        Pretty   => 1,      # optional
    );

=cut

sub Encode {
    my ( $Self, %Param ) = @_;

    if ( !exists $Param{Data} ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need Data!',
        );
        return;
    }

    my $JSON = JSON::PP->new()->allow_nonref(1)->allow_blessed(1)->convert_blessed(1);
    if ( $Param{SortKeys} ) {
        $JSON->canonical(1);
    }
    if ( $Param{Pretty} ) {
        $JSON->pretty(1);
    }

    my $String = $JSON->encode( $Param{Data} );
    $String =~ s/\x{2028}/\\u2028/g;
    $String =~ s/\x{2029}/\\u2029/g;
    return $String;
}

=head2 Decode()

    my $Data = $JSONObject->Decode(
        Data => $String,
    );

=cut

sub Decode {
    my ( $Self, %Param ) = @_;

    return if !defined $Param{Data};

    my $Data = eval { JSON::PP->new()->allow_nonref(1)->decode( $Param{Data} ) };
    if ( $@ || ( !defined $Data && $Param{Data} ne 'null' ) ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "Decoding the JSON string failed: $@",
        );
        return;
    }

    return _BooleansToNumbers($Data);
}

=head2 True()

    my $True = $JSONObject->True();    # \1, encodes as true

=cut

sub True {
    return \1;
}

=head2 False()

    my $False = $JSONObject->False();    # \0, encodes as false

=cut

sub False {
    return \0;
}

sub _BooleansToNumbers {
    my ($Data) = @_;

    if ( JSON::PP::is_bool($Data) ) {
        return $Data ? 1 : 0;
    }
    if ( ref $Data eq 'HASH' ) {
        for my $Key ( sort keys %{$Data} ) {
            $Data->{$Key} = _BooleansToNumbers( $Data->{$Key} );
        }
    }
    elsif ( ref $Data eq 'ARRAY' ) {
        for my $Item ( @{$Data} ) {
            $Item = _BooleansToNumbers($Item);
        }
    }
    return $Data;
}

1;

=head1 TERMS AND CONDITIONS

This is a test stand-in; it contains no OTRS code. This software comes with
ABSOLUTELY NO WARRANTY.

=cut
