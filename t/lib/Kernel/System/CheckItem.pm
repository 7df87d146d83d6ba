# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::CheckItem;

# CI stand-in for Kernel::System::CheckItem::CheckEmail (doc/dev/DESIGN.md,
# "E-mail validation"): CheckEmailAddresses 0 turns checks off;
# CheckEmailValidAddress matches pass at once; a syntax check close to
# Email::Valid plus the ".." and ".@" rejections; CheckEmailInvalidAddress
# (default rejects \@example.com and friends). No DNS: the MX lookup is
# treated as passed (the real one needs network; tests keep CheckMXRecord off
# in spirit).

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::Config',
);

sub new {
    my ( $Type, %Param ) = @_;

    return bless {}, $Type;
}

sub CheckEmail {
    my ( $Self, %Param ) = @_;

    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    $Self->{Error}     = '';
    $Self->{ErrorType} = '';

    return 1 if defined $ConfigObject->Get('CheckEmailAddresses') && !$ConfigObject->Get('CheckEmailAddresses');

    my $Address    = $Param{Address}                              // '';
    my $ValidRegex = $ConfigObject->Get('CheckEmailValidAddress') // '^(root\@localhost|admin\@localhost)$';
    return 1 if $ValidRegex && $Address =~ m{$ValidRegex}smxi;

    my $Syntax = $Address =~ m{
        \A [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+ (?: \. [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+ )*
        \@ (?: [A-Za-z0-9] (?: [A-Za-z0-9-]* [A-Za-z0-9] )? \. )+ [A-Za-z]{2,} \z
    }smx;
    if ( !$Syntax || $Address =~ m{\.\.}smx || $Address =~ m{\.\@}smx ) {
        $Self->{Error}     = "invalid $Address (Invalid syntax)! ";
        $Self->{ErrorType} = 'InvalidSyntax';
        return;
    }

    my $InvalidRegex = $ConfigObject->Get('CheckEmailInvalidAddress') // '\@(example)\.(..|...)$';
    if ( $InvalidRegex && $Address =~ m{$InvalidRegex}smxi ) {
        $Self->{Error}     = "invalid $Address (config)!";
        $Self->{ErrorType} = 'InvalidConfig';
        return;
    }
    return 1;
}

sub CheckError {
    my ( $Self, %Param ) = @_;

    return $Self->{Error};
}

sub CheckErrorType {
    my ( $Self, %Param ) = @_;

    return $Self->{ErrorType};
}

1;
