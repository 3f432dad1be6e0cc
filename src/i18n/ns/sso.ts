/** Single sign-on of the staff (OpenID Connect): the login page's button and what the sign-in may answer. */
export const sso = {
  es: {
    staffIntro: '¿Trabaja en el equipo de soporte?',
    button: 'Entrar con {{provider}}',
    passwordOff:
      'El personal de soporte entra con {{provider}}, no con contraseña: use el botón «Entrar con {{provider}}».',
    failedTitle: 'No se pudo iniciar la sesión',
    failed:
      'No hemos podido comprobar la respuesta de {{provider}} (el inicio de sesión caducó, ya se usó o no es válido). Vuelva a empezar desde la página de inicio de sesión.',
    unavailableTitle: 'Proveedor no disponible',
    unavailable: '{{provider}} no responde en este momento. Vuelva a intentarlo dentro de unos minutos.',
    refusedTitle: 'Acceso no concedido',
    refused: {
      no_staff_role:
        'Su cuenta de {{provider}} no da acceso al área de soporte. Si debería tenerlo, pida a su administrador que le añada al grupo que corresponde.',
      customer_account: 'Esta dirección es de una cuenta de cliente: entre con su correo y su contraseña.',
      inactive: 'Esta cuenta está desactivada. Hable con un administrador.',
      no_email:
        '{{provider}} no nos ha dado su dirección de correo, que hace falta para crear su cuenta. Hable con un administrador.',
      not_linkable:
        'Ya existe una cuenta con su dirección, pero no se puede vincular con {{provider}} automáticamente. Hable con un administrador.',
    },
  },
  en: {
    staffIntro: 'Part of the support team?',
    button: 'Sign in with {{provider}}',
    passwordOff:
      'Support staff sign in with {{provider}}, not with a password: use the “Sign in with {{provider}}” button.',
    failedTitle: 'Sign-in failed',
    failed:
      'We could not verify the answer from {{provider}} (the sign-in expired, was already used or is not valid). Please start again from the sign-in page.',
    unavailableTitle: 'Provider unavailable',
    unavailable: '{{provider}} is not answering right now. Please try again in a few minutes.',
    refusedTitle: 'Access not granted',
    refused: {
      no_staff_role:
        'Your {{provider}} account does not give access to the support area. If it should, ask your administrator to add you to the right group.',
      customer_account: 'This address belongs to a customer account: sign in with your email and password.',
      inactive: 'This account is deactivated. Please contact an administrator.',
      no_email:
        '{{provider}} did not give us your email address, which your account needs. Please contact an administrator.',
      not_linkable:
        'An account with your address already exists, but it cannot be linked to {{provider}} automatically. Please contact an administrator.',
    },
  },
  fr: {
    staffIntro: 'Vous faites partie de l’équipe support ?',
    button: 'Se connecter avec {{provider}}',
    passwordOff:
      'L’équipe support se connecte avec {{provider}}, pas avec un mot de passe : utilisez le bouton « Se connecter avec {{provider}} ».',
    failedTitle: 'Connexion impossible',
    failed:
      'Nous n’avons pas pu vérifier la réponse de {{provider}} (la connexion a expiré, a déjà servi ou n’est pas valide). Recommencez depuis la page de connexion.',
    unavailableTitle: 'Fournisseur indisponible',
    unavailable: '{{provider}} ne répond pas pour le moment. Réessayez dans quelques minutes.',
    refusedTitle: 'Accès refusé',
    refused: {
      no_staff_role:
        'Votre compte {{provider}} ne donne pas accès à l’espace support. S’il le devrait, demandez à votre administrateur de vous ajouter au groupe concerné.',
      customer_account:
        'Cette adresse est celle d’un compte client : connectez-vous avec votre adresse e-mail et votre mot de passe.',
      inactive: 'Ce compte est désactivé. Adressez-vous à un administrateur.',
      no_email:
        '{{provider}} ne nous a pas transmis votre adresse e-mail, nécessaire à votre compte. Adressez-vous à un administrateur.',
      not_linkable:
        'Un compte existe déjà avec votre adresse, mais il ne peut pas être relié à {{provider}} automatiquement. Adressez-vous à un administrateur.',
    },
  },
};
