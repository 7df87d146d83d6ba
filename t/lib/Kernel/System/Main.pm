# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Main;

use strict;
use warnings;

use Data::Dumper ();

our @ObjectDependencies = (
    'Kernel::System::Log',
);

=head1 NAME

Kernel::System::Main - test stand-in of the OTRS 6 main object

=head1 DESCRIPTION

C<Require()>, C<FileRead()>, C<FileWrite()> and C<Dump()> with the OTRS signatures:
failures log at error and return undef.

=head1 PUBLIC INTERFACE

=head2 new()

    my $MainObject = $Kernel::OM->Get('Kernel::System::Main');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    return bless {}, $Type;
}

=head2 Require()

    my $Loaded = $MainObject->Require(
        'SalesForce::XS',
        Silent => 1,    # optional, no log entry on failure
    );

=cut

sub Require {
    my ( $Self, $Module, %Param ) = @_;

    if ( !$Module ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need module!',
        );
        return;
    }

    my $File = $Module . '.pm';
    $File =~ s{::}{/}g;
    return 1 if $INC{$File};

    my $Loaded = eval {
        require $File;    ## no critic
        1;
    };
    if ( !$Loaded ) {
        my $Error = $@;
        if ( !$Param{Silent} ) {
            $Kernel::OM->Get('Kernel::System::Log')->Log(
                Caller   => 1,
                Priority => 'error',
                Message  => "Module $Module not found/could not be loaded: $Error",
            );
        }
        return;
    }
    return 1;
}

=head2 FileRead()

    my $ContentRef = $MainObject->FileRead(
        Location => '/path/file',       # or Directory => ..., Filename => ...
        Mode     => 'utf8',             # optional, binmode|utf8
        Result   => 'SCALAR',           # optional, SCALAR|ARRAY
        DisableWarnings => 1,           # optional
    );

=cut

sub FileRead {
    my ( $Self, %Param ) = @_;

    my $Location = $Param{Location};
    if ( !$Location && $Param{Directory} && $Param{Filename} ) {
        $Location = "$Param{Directory}/$Param{Filename}";
    }
    if ( !$Location ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need Filename and Directory or Location!',
        );
        return;
    }

    my $Layer = ( $Param{Mode} && lc $Param{Mode} eq 'utf8' ) ? '<:encoding(UTF-8)' : '<:raw';
    my $FH;
    if ( !open $FH, $Layer, $Location ) {    ## no critic
        if ( !$Param{DisableWarnings} ) {
            $Kernel::OM->Get('Kernel::System::Log')->Log(
                Priority => 'error',
                Message  => "Can't open '$Location': $!",
            );
        }
        return;
    }

    if ( $Param{Result} && $Param{Result} eq 'ARRAY' ) {
        my @Lines = <$FH>;
        close $FH;
        return \@Lines;
    }

    local $/;
    my $Content = <$FH>;
    close $FH;
    $Content //= '';
    return \$Content;
}

=head2 FileWrite()

    my $Location = $MainObject->FileWrite(
        Location => '/path/file',       # or Directory => ..., Filename => ...
        Content  => \$Content,
        Mode     => 'utf8',             # optional, binmode|utf8
    );

=cut

sub FileWrite {
    my ( $Self, %Param ) = @_;

    my $Location = $Param{Location};
    if ( !$Location && $Param{Directory} && $Param{Filename} ) {
        $Location = "$Param{Directory}/$Param{Filename}";
    }
    if ( !$Location || ref $Param{Content} ne 'SCALAR' ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need Location (or Directory and Filename) and Content as a scalar reference!',
        );
        return;
    }

    my $Layer = ( $Param{Mode} && lc $Param{Mode} eq 'utf8' ) ? '>:encoding(UTF-8)' : '>:raw';
    my $FH;
    if ( !open $FH, $Layer, $Location ) {    ## no critic
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "Can't write '$Location': $!",
        );
        return;
    }
    print {$FH} ${ $Param{Content} };
    close $FH;
    return $Location;
}

=head2 Dump()

    my $String = $MainObject->Dump( $Data );

=cut

sub Dump {
    my ( $Self, $Data ) = @_;

    local $Data::Dumper::Indent   = 1;
    local $Data::Dumper::Sortkeys = 1;
    return Data::Dumper::Dumper($Data);
}

1;

=head1 TERMS AND CONDITIONS

This is a test stand-in; it contains no OTRS code. This software comes with
ABSOLUTELY NO WARRANTY.

=cut
